import matter from "gray-matter";
import { FRONT_MATTER, PersonaParseError } from "./parse-error.js";

/** The front-matter fields of a Persona, plus the markdown that follows the closing `---`. */
export interface PersonaFrontMatter {
  name: string;
  description: string;
  version: string | null;
  agents: Record<string, string>;
  skills: string[];
  allowedTools: string[];
  triggers: string[];
  extraFrontMatter: Record<string, unknown>;
  content: string;
}

const NAMED_KEYS = new Set(["name", "description", "version", "agents", "skills", "triggers", "allowed-tools"]);

/** True when the text opens with a `---` front-matter line (after an optional BOM). */
export function hasFrontMatter(markdown: string): boolean {
  return /^\uFEFF?---[ \t]*\r?\n/.test(markdown);
}

/** Reads and type-checks the front matter; throws PersonaParseError (section "front matter"). */
export function parseFrontMatter(markdown: string, file: string): PersonaFrontMatter {
  const fail = (detail: string): never => {
    throw new PersonaParseError(file, FRONT_MATTER, detail);
  };
  const text = markdown.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  if (!hasFrontMatter(text)) {
    fail("the file has no front matter; a persona file starts with a `---` line, `name: ...`, and a closing `---` line");
  }
  if (!/\n---[ \t]*(\n|$)/.test(text.slice(3))) {
    fail("the front matter is not closed: add a `---` line after the last key");
  }

  let parsed: { data: unknown; content: string };
  try {
    // Passing options turns off gray-matter's cache, which hands back shared objects for equal input.
    parsed = matter(text, { excerpt: false });
  } catch (error) {
    return fail(`invalid YAML: ${yamlMessage(error)}`);
  }
  const data = parsed.data as Record<string, unknown>;
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    fail("the front matter must be a YAML map of keys (name: ..., description: ...)");
  }

  const rawName = data["name"];
  if (rawName === undefined || rawName === null || String(rawName).trim() === "") {
    fail("`name` is missing; add e.g. `name: my-persona` (the name of its prompt and of persona://my-persona)");
  }
  if (typeof rawName !== "string") fail("`name` must be a string");

  const extraFrontMatter: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (!NAMED_KEYS.has(key)) extraFrontMatter[key] = value;
  }

  return {
    name: (rawName as string).trim(),
    description: scalar(data["description"], "description", fail) ?? "",
    version: version(data["version"], text),
    agents: agents(data["agents"], fail),
    skills: stringList(data["skills"], "skills", false, fail),
    allowedTools: stringList(data["allowed-tools"], "allowed-tools", true, fail),
    triggers: stringList(data["triggers"], "triggers", false, fail),
    extraFrontMatter,
    content: parsed.content,
  };
}

type Fail = (detail: string) => never;

function yamlMessage(error: unknown): string {
  // js-yaml counts lines inside the block, which starts on the `---` line: +1 gives the file's line number.
  const yamlError = error as { reason?: unknown; mark?: { line?: unknown; column?: unknown } };
  if (typeof yamlError.reason === "string" && typeof yamlError.mark?.line === "number") {
    const column = typeof yamlError.mark.column === "number" ? `, column ${yamlError.mark.column + 1}` : "";
    return `${yamlError.reason} at line ${yamlError.mark.line + 1}${column}`;
  }
  return error instanceof Error ? error.message : String(error);
}

function scalar(value: unknown, key: string, fail: Fail): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return value.trim();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return fail(`\`${key}\` must be a single value, not a list or map`);
}

function version(value: unknown, text: string): string | null {
  if (typeof value === "string") return value.trim() || null;
  if (typeof value !== "number") return null;
  // YAML reads `version: 1.0` as the number 1; the author meant the text they wrote.
  const raw = /^version:[ \t]*([0-9][0-9.eE+-]*)[ \t]*(?:#.*)?$/m.exec(text)?.[1];
  return raw !== undefined && Number(raw) === value ? raw : String(value);
}

function agents(value: unknown, fail: Fail): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    return fail("`agents` must be a map such as `primary: my-persona`");
  }
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (item === null || typeof item === "object") fail(`\`agents.${key}\` must be a single value`);
    result[key] = String(item);
  }
  return result;
}

function stringList(value: unknown, key: string, splitCommas: boolean, fail: Fail): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === "string") {
    const parts = splitCommas ? value.split(",") : [value];
    return parts.map((part) => part.trim()).filter((part) => part !== "");
  }
  if (!Array.isArray(value)) return fail(`\`${key}\` must be a list`);
  return value.map((item, index) => {
    if (item === null || typeof item === "object") fail(`\`${key}\` item ${index + 1} must be a single value`);
    return String(item).trim();
  });
}
