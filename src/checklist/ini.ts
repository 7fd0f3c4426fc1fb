/**
 * A reader for the INI dialect of Python's `configparser`, which is what `alembic.ini` and `logging.config.fileConfig`
 * files are written for. No maintained npm INI package reads that dialect (the common ones treat `;` after a
 * value as a comment, have no continuation lines, no `%(name)s` interpolation, and take `:` as part of a key),
 * and none is installed here, so this follows CPython's `RawConfigParser._read` with its defaults: `=` or `:`
 * delimiters (the first one wins), full-line `#`/`;` comments only, indented continuation lines, case-folded
 * keys, case-kept section names, a `DEFAULT` section, and `BasicInterpolation` when a value is read.
 */

export interface IniEntry {
  /** Null for a key with no delimiter (only legal with allow_no_value, reported as an error here). */
  value: string | null;
  /** 1-based line of the key. */
  line: number;
}

export interface IniError {
  line: number;
  message: string;
}

export interface IniFile {
  /** Sections in file order; keys lower-cased as configparser's `optionxform` does. */
  sections: Map<string, Map<string, IniEntry>>;
  /** 1-based line of each section header. */
  sectionLines: Map<string, number>;
  defaults: Map<string, IniEntry>;
  errors: IniError[];
}

const SECTION = /^\[(.+)\]/;
const OPTION = /^(.*?)\s*([=:])\s*(.*)$/;
const DEFAULT_SECTION = "DEFAULT";

export function parseIni(text: string): IniFile {
  const sections = new Map<string, Map<string, IniEntry>>();
  const sectionLines = new Map<string, number>();
  const defaults = new Map<string, IniEntry>();
  const errors: IniError[] = [];
  // Values are collected as lists of lines, joined at the end as configparser does.
  const pending = new Map<IniEntry, string[]>();
  let current: Map<string, IniEntry> | null = null;
  let currentName = "";
  let option: IniEntry | null = null;
  let indentLevel = 0;
  const seen = new Set<string>();

  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const trimmed = raw.trim();
    const isComment = trimmed.startsWith("#") || trimmed.startsWith(";");
    const value = isComment ? "" : trimmed;
    if (value === "") {
      // Empty lines belong to a multi-line value (trailing ones are dropped at the end); comments end nothing.
      if (!isComment && option && option.value !== null) pending.get(option)?.push("");
      return;
    }
    const indent = raw.length - raw.trimStart().length;
    if (current && option && indent > indentLevel) {
      pending.get(option)?.push(value);
      return;
    }
    indentLevel = indent;
    const header = SECTION.exec(value);
    if (header) {
      const name = header[1]!;
      if (name === DEFAULT_SECTION) current = defaults;
      else {
        if (seen.has(name)) errors.push({ line: lineNo, message: `section [${name}] appears twice` });
        seen.add(name);
        current = sections.get(name) ?? new Map();
        if (!sections.has(name)) {
          sections.set(name, current);
          sectionLines.set(name, lineNo);
        }
      }
      currentName = name;
      option = null;
      return;
    }
    if (!current) {
      errors.push({ line: lineNo, message: "text before the first [section] header" });
      return;
    }
    const m = OPTION.exec(value);
    if (!m || m[1]!.trim() === "") {
      errors.push({ line: lineNo, message: `cannot read ${JSON.stringify(value.slice(0, 40))}: expected "key = value"` });
      option = null;
      return;
    }
    const key = m[1]!.trimEnd().toLowerCase();
    if (current.has(key) && currentName !== DEFAULT_SECTION) {
      errors.push({ line: lineNo, message: `key "${key}" appears twice in [${currentName}]` });
    }
    option = { value: m[3]!.trim(), line: lineNo };
    pending.set(option, [option.value!]);
    current.set(key, option);
  });
  for (const [entry, parts] of pending) entry.value = parts.join("\n").trimEnd();
  return { sections, sectionLines, defaults, errors };
}

/**
 * A value with `BasicInterpolation`: `%(name)s` from the same section, then DEFAULT, then `vars` (alembic passes
 * `here`, the folder of the ini file), and `%%` as `%`. Unknown names are left as written.
 */
export function iniValue(file: IniFile, section: string, key: string, vars: Record<string, string> = {}): string | null {
  const entry = file.sections.get(section)?.get(key.toLowerCase()) ?? file.defaults.get(key.toLowerCase());
  if (!entry || entry.value === null) return null;
  return interpolate(file, section, entry.value, vars, 0);
}

function interpolate(file: IniFile, section: string, value: string, vars: Record<string, string>, depth: number): string {
  if (depth > 10) return value;
  return value.replace(/%%|%\(([^)]+)\)s/g, (whole, name: string | undefined) => {
    if (name === undefined) return "%";
    const key = name.toLowerCase();
    const raw = file.sections.get(section)?.get(key)?.value ?? file.defaults.get(key)?.value ?? vars[key] ?? null;
    return raw === null ? whole : interpolate(file, section, raw, vars, depth + 1);
  });
}
