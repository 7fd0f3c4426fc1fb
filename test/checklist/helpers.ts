import { fileURLToPath } from "node:url";
import { auditProject, type AuditResult, type ChecklistItemResult } from "../../src/checklist/audit.js";
import { loadProject } from "../../src/files/load.js";
import { createAccessPolicy } from "../../src/files/roots.js";
import type { LoadedProject, SourceFile } from "../../src/files/types.js";
import { bundledPersonasDir, loadPersonas } from "../../src/persona/load.js";
import type { Persona } from "../../src/persona/schema.js";

const projectsDir = fileURLToPath(new URL("../fixtures/projects/", import.meta.url));

let persona: Persona | null = null;
export async function fastapiPro(): Promise<Persona> {
  if (persona) return persona;
  const { personas } = await loadPersonas([bundledPersonasDir()]);
  persona = personas.find((p) => p.persona.name === "fastapi-pro")!.persona;
  return persona;
}

/** Loads a fixture project from disk the way the tools do: confined to its folder, .gitignore honoured. */
export async function loadFixture(name: string): Promise<LoadedProject> {
  const dir = `${projectsDir}${name}`;
  const policy = await createAccessPolicy({ flagRoots: [dir], cwd: dir });
  return loadProject({ path: dir }, policy);
}

export async function auditFixture(name: string): Promise<AuditResult> {
  return auditProject(await loadFixture(name), { persona: await fastapiPro() });
}

/** A project from inline files, with an optional .gitignore matcher. */
export function inlineProject(files: Record<string, string>, ignored: (rel: string) => boolean = () => false): LoadedProject {
  const pythonFiles: SourceFile[] = [];
  const otherFiles: SourceFile[] = [];
  for (const [path, content] of Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1))) {
    (path.endsWith(".py") ? pythonFiles : otherFiles).push({ path, absPath: null, content });
  }
  return { root: null, pythonFiles, otherFiles, skipped: [], truncated: null, isGitIgnored: ignored };
}

export async function auditFiles(files: Record<string, string>, ignored?: (rel: string) => boolean): Promise<AuditResult> {
  return auditProject(inlineProject(files, ignored), { persona: await fastapiPro() });
}

export function item(result: AuditResult, id: string): ChecklistItemResult {
  const found = result.items.find((i) => i.id === id);
  if (!found) throw new Error(`no item ${id}`);
  return found;
}

/** `status` then each evidence as `file:line note` (or just the note), the form the tests compare. */
export function lines(i: ChecklistItemResult): string[] {
  return [i.status, ...i.evidence.map((e) => (e.file ? `${e.file}${e.line ? `:${e.line}` : ""} ${e.note}` : e.note))];
}
