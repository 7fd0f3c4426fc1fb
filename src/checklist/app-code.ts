import type { ModuleInfo } from "../python/module.js";
import { isDocumentationPath } from "../python/syntax.js";

/**
 * Whether a module is the project's own application code for the checklist: not test code (RULES.md) and not a
 * documentation example (`docs/`, `docs_src/`, ...). A library's docs register GZip, declare sync routes and
 * import SQLModel to show how; that says nothing about the project being audited.
 */
export function isAppCode(module: ModuleInfo): boolean {
  return !module.isTest && !isDocumentationPath(module.file.path);
}
