import type { LoadedProject } from "../files/types.js";
import type { ProjectIndex } from "../python/project-index.js";
import type { Persona } from "../persona/schema.js";
import type { ConfigFiles } from "./config-files.js";
import type { ProjectFacts } from "./project-facts.js";

/** One thing the audit saw: a place when there is one, and what it means, in words a developer can act on. */
export interface Evidence {
  file?: string;
  line?: number;
  note: string;
}

export type ItemStatus = "pass" | "fail" | "not_applicable";

export interface ChecklistItemResult {
  /** `C01`..`C10`. */
  id: string;
  /** The persona's checklist text, e.g. "All routes async (where appropriate)". */
  item: string;
  status: ItemStatus;
  evidence: Evidence[];
  /** Only when failing: the persona's guidance and a concrete next step. */
  fix?: string;
}

/**
 * What every item check reads: the project index (one parse per file), the loaded project for non-Python
 * files and .gitignore, the persona for its wording, and facts shared by several items, computed once.
 */
export interface AuditContext {
  index: ProjectIndex;
  project: LoadedProject;
  persona: Persona;
  facts: ProjectFacts;
  configs: ConfigFiles;
}

export type ItemCheck = (ctx: AuditContext) => ChecklistItemResult;
