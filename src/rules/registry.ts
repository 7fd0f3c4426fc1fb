import { fapi001 } from "./fapi001-global-state.js";
import { fapi002 } from "./fapi002-sync-db-call.js";
import { fapi003 } from "./fapi003-hardcoded-auth.js";
import { fapi004 } from "./fapi004-return-dict.js";
import { fapi005 } from "./fapi005-validation-in-view.js";
import { fapi101 } from "./fapi101-blocking-call-in-async.js";
import { fapi102 } from "./fapi102-cors-wildcard-credentials.js";
import type { Rule } from "./types.js";
import { UserError } from "../core/errors.js";

/** The FastAPI Pro rule pack, in code order. Explicit, so a meta-test can check every rule file is here. */
export const FASTAPI_PRO_RULES: readonly Rule[] = [fapi001, fapi002, fapi003, fapi004, fapi005, fapi101, fapi102];

/** Rule packs by persona name: the analysis is persona-specific, the server is not. */
const RULE_PACKS: Record<string, readonly Rule[]> = { "fastapi-pro": FASTAPI_PRO_RULES };

/** The rules for a persona; a persona with no pack is a clear error naming the ones that have one. */
export function rulePackFor(persona: string): readonly Rule[] {
  const pack = RULE_PACKS[persona];
  if (!pack) {
    throw new UserError(`persona "${persona}" has no code rules; personas with rules: ${Object.keys(RULE_PACKS).join(", ")}`);
  }
  return pack;
}

export function personasWithRules(): string[] {
  return Object.keys(RULE_PACKS);
}

/**
 * Narrows a pack by `select` and `ignore` codes, as ruff does: a code or a prefix of codes (`FAPI1`).
 * A code that matches no rule is an error that names it, so a typo never silently disables a check.
 */
export function selectRules(pack: readonly Rule[], select?: readonly string[], ignore?: readonly string[]): Rule[] {
  const check = (codes: readonly string[] | undefined, what: string) => {
    for (const c of codes ?? []) {
      if (!pack.some((r) => r.code.startsWith(c.toUpperCase()))) {
        throw new UserError(`unknown rule code "${c}" in ${what}; known codes: ${pack.map((r) => r.code).join(", ")}`);
      }
    }
  };
  check(select, "select");
  check(ignore, "ignore");
  const matches = (r: Rule, codes: readonly string[]) => codes.some((c) => r.code.startsWith(c.toUpperCase()));
  return pack.filter((r) => (!select || select.length === 0 || matches(r, select)) && !(ignore && matches(r, ignore)));
}
