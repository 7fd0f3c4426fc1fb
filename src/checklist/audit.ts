/**
 * The persona's "FastAPI Checklist" (RULES.md C01..C10), audited on a whole project.
 *
 * `auditProject` parses each Python file once, builds one project index, parses the non-Python files the items
 * read (Dockerfiles with dockerfile-ast, pyproject.toml with smol-toml, logging configs with yaml/JSON, alembic.ini
 * and INI logging configs with a configparser-faithful reader, .gitignore through the loaded project) and runs the
 * ten checks over them.
 *
 * Each item is also exported on its own, taking an `AuditContext` (build one with `createAuditContext(index,
 * {persona, project?})` inside `withProjectIndex`), so the pre-response validation can ask the same questions of
 * a snippet without a file system:
 * - `checkC01` async handlers, `checkC02` request bodies and response models (and `responseDeclaration` per
 *   route), `checkC03` dependency injection, `checkC04` OpenAPI docs (and `routeHasTags`, `docstring`,
 *   `docsDisabled`), `checkC05` async engine, `checkC06` Alembic, `checkC07` CORS, `checkC08` compression,
 *   `checkC09` structured logging, `checkC10` Dockerfile.
 * Each returns a `ChecklistItemResult` with the persona's item text, evidence, and a fix when failing.
 */
import type { LoadedProject } from "../files/types.js";
import { UserError } from "../core/errors.js";
import { withProjectIndex } from "../python/analyze.js";
import type { ProjectIndex } from "../python/project-index.js";
import type { Persona } from "../persona/schema.js";
import { checkC01 } from "./c01-async-routes.js";
import { checkC02, responseDeclaration } from "./c02-pydantic-schemas.js";
import { checkC03 } from "./c03-dependency-injection.js";
import { checkC04, docsDisabled, docstring, routeHasTags } from "./c04-openapi-docs.js";
import { checkC05 } from "./c05-async-engine.js";
import { checkC06 } from "./c06-alembic.js";
import { checkC07 } from "./c07-cors.js";
import { checkC08 } from "./c08-gzip.js";
import { checkC09 } from "./c09-structured-logging.js";
import { checkC10 } from "./c10-dockerfile.js";
import { parseConfigFiles } from "./config-files.js";
import { ProjectFacts } from "./project-facts.js";
import type { AuditContext, ChecklistItemResult, ItemCheck } from "./types.js";

export type { AuditContext, ChecklistItemResult, Evidence, ItemStatus } from "./types.js";
export { checkC01, checkC02, checkC03, checkC04, checkC05, checkC06, checkC07, checkC08, checkC09, checkC10 };
export { responseDeclaration, routeHasTags, docstring, docsDisabled };

export interface AuditResult {
  items: ChecklistItemResult[];
  summary: {
    pass: number;
    fail: number;
    notApplicable: number;
    filesScanned: number;
    parseErrors: { file: string; message: string }[];
    skipped: { file: string; reason: string }[];
    truncatedReason: string | null;
  };
}

export interface AuditOptions {
  persona: Persona;
  signal?: AbortSignal;
  /** Date.now() in ms after which no further file is parsed; the result then says it is truncated. */
  deadline?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Checklist packs by persona name: which personas' checklists the code can audit. */
const CHECKLIST_PACKS: Record<string, Record<string, ItemCheck>> = {
  "fastapi-pro": {
    C01: checkC01,
    C02: checkC02,
    C03: checkC03,
    C04: checkC04,
    C05: checkC05,
    C06: checkC06,
    C07: checkC07,
    C08: checkC08,
    C09: checkC09,
    C10: checkC10,
  },
};

export function personasWithChecklist(): string[] {
  return Object.keys(CHECKLIST_PACKS);
}

function packFor(persona: Persona): Record<string, ItemCheck> {
  const pack = CHECKLIST_PACKS[persona.name];
  if (!pack) {
    throw new UserError(`persona "${persona.name}" has no checklist audit; personas with one: ${personasWithChecklist().join(", ")}`);
  }
  return pack;
}

const EMPTY_PROJECT: LoadedProject = { root: null, pythonFiles: [], otherFiles: [], skipped: [], truncated: null, isGitIgnored: () => false };

/** The context the item checks read; `project` defaults to no non-Python files (inline code). */
export function createAuditContext(index: ProjectIndex, opts: { persona: Persona; project?: LoadedProject }): AuditContext {
  const project = opts.project ?? EMPTY_PROJECT;
  return { index, project, persona: opts.persona, facts: new ProjectFacts(index), configs: parseConfigFiles(project) };
}

/** Audits a loaded project against the persona's checklist: one parse per file, one index, ten items in order. */
export async function auditProject(project: LoadedProject, opts: AuditOptions): Promise<AuditResult> {
  const pack = packFor(opts.persona);
  return withProjectIndex(project.pythonFiles, opts, (index, parseErrors, coverage) => {
    const ctx = createAuditContext(index, { persona: opts.persona, project });
    // The persona's own list decides the items and their order; an item the code has no check for is left out.
    const items: ChecklistItemResult[] = [];
    for (const entry of opts.persona.checklist) {
      const check = pack[entry.id];
      if (!check) continue;
      opts.signal?.throwIfAborted();
      items.push(check(ctx));
    }
    return {
      items,
      summary: {
        pass: items.filter((i) => i.status === "pass").length,
        fail: items.filter((i) => i.status === "fail").length,
        notApplicable: items.filter((i) => i.status === "not_applicable").length,
        filesScanned: coverage.filesParsed + project.otherFiles.length,
        parseErrors: [...parseErrors, ...ctx.configs.parseErrors],
        skipped: project.skipped,
        truncatedReason: [project.truncated, coverage.truncated].filter((r): r is string => !!r).join("; ") || null,
      },
    };
  });
}
