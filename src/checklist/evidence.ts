import type { SyntaxNode as Node } from "../python/flat-tree.js";
import type { ModuleInfo } from "../python/module.js";
import type { Persona } from "../persona/schema.js";
import type { AuditContext, ChecklistItemResult, Evidence, ItemStatus } from "./types.js";

/** Most places listed per finding kind: enough to act on, small enough for a model's context. */
export const MAX_PLACES = 10;

/** Evidence at a node of a Python module (1-based line). */
export function at(mod: ModuleInfo, node: Node, note: string): Evidence {
  return { file: mod.file.path, line: node.startPosition.row + 1, note };
}

/** `file:line` of a piece of evidence, for inline lists. */
export function place(e: Evidence): string {
  return e.file ? (e.line ? `${e.file}:${e.line}` : e.file) : "";
}

/**
 * A headline ("3 of 12 routes are sync `def`") followed by at most MAX_PLACES located entries and an
 * "and N more" line, so an item's evidence stays small however large the project.
 */
export function listed(headline: string, places: Evidence[], moreNoun: string): Evidence[] {
  const sorted = [...places].sort(byPlace);
  const shown = sorted.slice(0, MAX_PLACES);
  const out: Evidence[] = [{ note: `${headline}: ${shown.map(place).join(", ")}${sorted.length > shown.length ? ", ..." : ""}` }, ...shown];
  if (sorted.length > shown.length) out.push({ note: `and ${sorted.length - shown.length} more ${moreNoun}` });
  return out;
}

export function byPlace(a: Evidence, b: Evidence): number {
  const fa = a.file ?? "";
  const fb = b.file ?? "";
  return (fa < fb ? -1 : fa > fb ? 1 : 0) || (a.line ?? 0) - (b.line ?? 0);
}

/** "is" for one, "are" for more: headlines read right for any count. */
export function isAre(n: number): string {
  return n === 1 ? "is" : "are";
}

export function hasHave(n: number): string {
  return n === 1 ? "has" : "have";
}

/** `1 route` / `3 routes`. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/**
 * The persona's own words for an item's fix, looked up by name in its sections so an edited persona is
 * quoted as written; the fallback text is what the bundled persona says.
 */
export type PersonaQuote =
  | { principle: string }
  | { antiPattern: string }
  | { decision: string }
  | { pattern: string }
  | { check: string }
  | { item: string };

export function quote(persona: Persona, q: PersonaQuote): string | null {
  if ("principle" in q) {
    const p = persona.principles.find((x) => x.name.toLowerCase() === q.principle.toLowerCase());
    return p ? `${p.name}: ${p.text}` : null;
  }
  if ("antiPattern" in q) {
    const a = persona.antiPatterns.find((x) => x.name.toLowerCase() === q.antiPattern.toLowerCase());
    return a ? `${a.name} -> ${a.fix}` : null;
  }
  if ("decision" in q) {
    const d = persona.decisionFramework.find((x) => x.name.toLowerCase() === q.decision.toLowerCase());
    return d ? `${d.name}: ${d.text}` : null;
  }
  if ("pattern" in q) {
    const p = persona.patterns.find((x) => x.name.toLowerCase() === q.pattern.toLowerCase());
    return p ? `${p.name}: ${p.text}` : null;
  }
  if ("check" in q) {
    const c = persona.validationChecks.find((x) => x.name.toLowerCase() === q.check.toLowerCase());
    return c ? `${c.name}: ${c.question}` : null;
  }
  const item = persona.checklist.find((x) => x.id === q.item);
  return item ? item.text : null;
}

/** "The persona says: "...", "...". Next step: ..." */
export function fixText(persona: Persona, quotes: PersonaQuote[], nextStep: string): string {
  const said = quotes.map((q) => quote(persona, q)).filter((s): s is string => s !== null);
  const head = said.length > 0 ? `The persona says: ${said.map((s) => `"${s}"`).join(", ")}. ` : "";
  return `${head}Next step: ${nextStep}`;
}

/** An item result with the persona's text for the item; `fix` is kept only when the item fails. */
export function itemResult(
  ctx: Pick<AuditContext, "persona">,
  id: string,
  status: ItemStatus,
  evidence: Evidence[],
  fix: { quotes: PersonaQuote[]; nextStep: string } | null,
): ChecklistItemResult {
  const text = ctx.persona.checklist.find((c) => c.id === id)?.text ?? id;
  const out: ChecklistItemResult = { id, item: text, status, evidence };
  if (status === "fail" && fix) out.fix = fixText(ctx.persona, fix.quotes, fix.nextStep);
  return out;
}
