import { readdir, readFile, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parsePersona, PersonaParseError } from "./parse.js";
import { PersonaSchema, type LoadedPersona, type PersonaLoadError } from "./schema.js";

/**
 * Absolute path of the bundled `personas/` folder. This module sits two levels below the package root both
 * as source (src/persona/load.ts) and built (dist/persona/load.js), so one relative URL serves both.
 */
export function bundledPersonasDir(): string {
  return fileURLToPath(new URL("../../personas", import.meta.url));
}

type Outcome = { persona: LoadedPersona } | { error: PersonaLoadError };

/**
 * Loads every `*.md` persona file of each folder (not recursive). Bad files and missing folders become
 * errors and the rest still load; when two files share a name the first one found wins.
 */
export async function loadPersonas(
  dirs: string[],
): Promise<{ personas: LoadedPersona[]; errors: PersonaLoadError[] }> {
  const personas: LoadedPersona[] = [];
  const errors: PersonaLoadError[] = [];
  const byName = new Map<string, LoadedPersona>();
  const seenDirs = new Set<string>();

  for (const given of dirs) {
    const dir = path.resolve(given);
    let files: string[];
    try {
      files = await personaFiles(dir);
    } catch (error) {
      errors.push({ file: dir, section: "folder", message: folderMessage(dir, error) });
      continue;
    }
    // The same folder given twice (e.g. --personas pointing at the bundled one) is not a set of duplicates.
    const identity = await realpath(dir).catch(() => dir);
    if (seenDirs.has(identity)) continue;
    seenDirs.add(identity);

    const outcomes = await Promise.all(files.map((file) => loadFile(file, dir)));
    for (const outcome of outcomes) {
      if ("error" in outcome) {
        errors.push(outcome.error);
        continue;
      }
      const loaded = outcome.persona;
      const first = byName.get(loaded.persona.name);
      if (first) {
        errors.push({
          file: loaded.file,
          section: "front matter",
          message:
            `${loaded.file}: persona name "${loaded.persona.name}" is already used by ${first.file}; ` +
            `the first one loaded is kept, so rename one of them`,
        });
        continue;
      }
      byName.set(loaded.persona.name, loaded);
      personas.push(loaded);
    }
  }
  return { personas, errors };
}

/** Markdown files of a folder in name order (stable load order, so "first wins" is predictable). */
async function personaFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    if (!entry.name.toLowerCase().endsWith(".md") || entry.name.toLowerCase() === "readme.md") continue;
    const file = path.join(dir, entry.name);
    const isFile = entry.isFile() || (entry.isSymbolicLink() && (await stat(file).catch(() => null))?.isFile());
    if (isFile) files.push(file);
  }
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function loadFile(file: string, dir: string): Promise<Outcome> {
  let markdown: string;
  try {
    markdown = await readFile(file, "utf8");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { error: { file, section: "file", message: `${file}: cannot be read: ${reason}` } };
  }
  try {
    const parsed = parsePersona(markdown, file);
    const checked = PersonaSchema.safeParse(parsed);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const where = issue?.path.join(".") ?? "";
      const section = typeof issue?.path[0] === "string" ? issue.path[0] : "persona";
      return { error: { file, section, message: `${file}: section "${section}": ${where}: ${issue?.message ?? "invalid"}` } };
    }
    return { persona: { persona: checked.data, file, dir } };
  } catch (error) {
    if (error instanceof PersonaParseError) {
      return { error: { file: error.file, section: error.section, message: error.message } };
    }
    throw error;
  }
}

function folderMessage(dir: string, error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === "ENOENT") return `persona folder ${dir} does not exist`;
  if (code === "ENOTDIR") return `persona folder ${dir} is not a folder`;
  const reason = error instanceof Error ? error.message : String(error);
  return `persona folder ${dir} cannot be read: ${reason}`;
}
