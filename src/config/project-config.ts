import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseToml, TomlError } from "smol-toml";
import { UserError } from "../core/errors.js";
import type { AccessPolicy } from "../files/roots.js";

/** `[tool.persona-mcp]` in a project's pyproject.toml: what a team settles once instead of passing flags. */
export interface ProjectConfig {
  /** Absolute path of the pyproject.toml it came from. */
  file: string;
  /** Its folder: `exclude` and `per-file-ignores` globs are relative to it, as in ruff. */
  dir: string;
  select?: string[];
  ignore?: string[];
  /** gitignore-style globs of files and folders to leave out. */
  exclude?: string[];
  /** gitignore-style glob -> rule codes (or prefixes) not reported in matching files. */
  perFileIgnores?: Record<string, string[]>;
  maxFindings?: number;
}

export const CONFIG_FILE = "pyproject.toml";
export const CONFIG_TABLE = "[tool.persona-mcp]";
export const CONFIG_KEYS = ["select", "ignore", "exclude", "per-file-ignores", "max-findings"] as const;

type RawTable = Record<string, unknown>;

function isTable(value: unknown): value is RawTable {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function stringList(value: unknown, file: string, key: string, example: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string" && v.trim() !== "")) {
    throw new UserError(`${file}: ${CONFIG_TABLE} ${key} must be a list of strings, e.g. ${key} = ${example}`);
  }
  return value.map((v: string) => v.trim());
}

/** Dashes, as ruff spells its keys; the underscore spelling is a likely slip, so the error suggests the right one. */
function unknownKeyMessage(file: string, key: string): string {
  const dashed = key.replace(/_/g, "-");
  const hint = (CONFIG_KEYS as readonly string[]).includes(dashed) ? `; did you mean "${dashed}"?` : "";
  return `${file}: ${CONFIG_TABLE} has an unknown key "${key}"${hint} (known keys: ${CONFIG_KEYS.join(", ")})`;
}

/**
 * Reads the `[tool.persona-mcp]` table of a pyproject.toml's text; null when the file has no such table.
 * Unknown keys and wrongly typed values are UserErrors naming the file and the key. Rule codes are checked
 * later, against the persona's rule pack (`checkConfigCodes`).
 */
export function parseProjectConfig(text: string, file: string): ProjectConfig | null {
  let doc: RawTable;
  try {
    doc = parseToml(text) as RawTable;
  } catch (err) {
    const where = err instanceof TomlError ? ` at line ${err.line}, column ${err.column}` : "";
    const first = ((err as Error).message.split("\n")[0] ?? "").replace(/:$/, "");
    throw new UserError(`${file}: not valid TOML${where}: ${first}`);
  }
  const tool = doc["tool"];
  if (!isTable(tool) || !("persona-mcp" in tool)) return null;
  const table = tool["persona-mcp"];
  if (!isTable(table)) throw new UserError(`${file}: tool.persona-mcp must be a table, written ${CONFIG_TABLE}`);

  const config: ProjectConfig = { file, dir: path.dirname(file) };
  for (const [key, value] of Object.entries(table)) {
    switch (key) {
      case "select":
        config.select = stringList(value, file, key, `["FAPI0", "FAPI101"]`).map((c) => c.toUpperCase());
        break;
      case "ignore":
        config.ignore = stringList(value, file, key, `["FAPI004"]`).map((c) => c.toUpperCase());
        break;
      case "exclude":
        config.exclude = stringList(value, file, key, `["migrations/", "scripts/*.py"]`);
        break;
      case "per-file-ignores": {
        if (!isTable(value)) {
          throw new UserError(
            `${file}: ${CONFIG_TABLE} per-file-ignores must be a table of glob = [codes], ` +
              `e.g. [tool.persona-mcp.per-file-ignores] "tests/**" = ["FAPI003"]`,
          );
        }
        const perFile: Record<string, string[]> = {};
        for (const [glob, codes] of Object.entries(value)) {
          perFile[glob] = stringList(codes, file, `per-file-ignores "${glob}"`, `["FAPI003"]`).map((c) =>
            c.toUpperCase(),
          );
        }
        config.perFileIgnores = perFile;
        break;
      }
      case "max-findings":
        if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
          throw new UserError(`${file}: ${CONFIG_TABLE} max-findings must be a positive whole number, e.g. max-findings = 200`);
        }
        config.maxFindings = value;
        break;
      default:
        throw new UserError(unknownKeyMessage(file, key));
    }
  }
  return config;
}

/** Every rule code in the configuration must name a rule (or a prefix of some), so a typo never disables a check silently. */
export function checkConfigCodes(config: ProjectConfig, knownCodes: readonly string[]): void {
  const check = (codes: readonly string[] | undefined, key: string): void => {
    for (const code of codes ?? []) {
      if (!knownCodes.some((known) => known.startsWith(code))) {
        throw new UserError(
          `${config.file}: ${CONFIG_TABLE} ${key}: unknown rule code "${code}"; known codes: ${knownCodes.join(", ")}`,
        );
      }
    }
  };
  check(config.select, "select");
  check(config.ignore, "ignore");
  for (const [glob, codes] of Object.entries(config.perFileIgnores ?? {})) check(codes, `per-file-ignores "${glob}"`);
}

/**
 * The configuration for a scanned folder: the `[tool.persona-mcp]` table of the nearest pyproject.toml that has
 * one, from `startDir` up, never leaving the allowed roots (a file outside them is not ours to read). Files
 * without the table are passed over, as ruff does with pyproject.toml files lacking `[tool.ruff]`.
 */
export async function findProjectConfig(startDir: string, policy: AccessPolicy): Promise<ProjectConfig | null> {
  let dir = startDir;
  while (policy.contains(dir)) {
    const file = path.join(dir, CONFIG_FILE);
    const text = await readFile(file, "utf8").catch(() => null);
    // Most pyproject.toml files say nothing about us: skip them unparsed, so one we do not use cannot fail a scan.
    if (text !== null && text.includes("persona-mcp")) {
      const config = parseProjectConfig(text, file);
      if (config) return config;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}
