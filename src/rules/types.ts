import type { SyntaxNode as Node } from "../python/flat-tree.js";
import type { ModuleInfo } from "../python/module.js";
import type { ProjectIndex } from "../python/project-index.js";

export type Severity = "error" | "warning" | "info";

/** Rule documentation in the shape of ruff's rule pages. */
export interface RuleDocs {
  /** What it does. */
  what: string;
  /** Why is this bad? */
  why: string;
  /** A short Python example that fires. */
  example: string;
  /** Use instead: the same example fixed. */
  instead: string;
}

export interface RuleContext {
  index: ProjectIndex;
}

/** One place a rule fires: the node decides the reported line and column (RULES.md says which node). */
export interface RuleHit {
  module: ModuleInfo;
  node: Node;
  /** Where the reported range ends, when not at the end of `node` (e.g. a handler reported from `def` to its name). */
  end?: Node;
  /** A message specific to this hit; the rule's message otherwise. */
  message?: string;
}

export interface Rule {
  /** `FAPI004` */
  code: string;
  /** `return-dict` */
  name: string;
  /** The persona anti-pattern (from its "Common Anti-Patterns" table) or principle the rule implements. */
  antiPattern: string;
  source: "anti-pattern" | "principle";
  severity: Severity;
  message: string;
  /** The persona's fix, quoted, with the concrete change to make. */
  fix: string;
  docs: RuleDocs;
  check(ctx: RuleContext): RuleHit[];
}
