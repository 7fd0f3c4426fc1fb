import type { ProjectIndex } from "../python/project-index.js";
import type { Rule } from "../rules/types.js";
import { at } from "./evidence.js";
import type { Evidence } from "./types.js";

/**
 * A rule's findings as checklist evidence, honouring `# noqa` as the scan does: a finding the user suppressed
 * in the code is not held against the checklist item either.
 */
export function ruleEvidence(rule: Rule, index: ProjectIndex): Evidence[] {
  const out: Evidence[] = [];
  const seen = new Set<string>();
  for (const hit of rule.check({ index })) {
    const line = hit.node.startPosition.row + 1;
    const noqa = hit.module.noqa.get(line);
    if (noqa === null || noqa?.has(rule.code)) continue;
    const key = `${hit.module.file.path}:${line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(at(hit.module, hit.node, `${rule.code}: ${hit.message ?? rule.message}`));
  }
  return out;
}
