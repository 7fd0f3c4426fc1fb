import { UserError } from "./errors.js";

/**
 * Time one tool call may spend reading and analysing files. Clients wait for the answer with the user watching
 * (and some give up after about a minute); a partial answer that says it is partial beats a timeout.
 */
export const DEFAULT_TIME_BUDGET_MS = 60_000;

export const TIME_BUDGET_ENV = "PERSONA_MCP_TIME_BUDGET_MS";

/**
 * The per-call time budget in ms: `PERSONA_MCP_TIME_BUDGET_MS` when set (a positive whole number of
 * milliseconds), else the default. A malformed value is refused rather than ignored, so a typo does not
 * silently leave the default in force.
 */
export function timeBudgetMs(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env[TIME_BUDGET_ENV]?.trim();
  if (raw === undefined || raw === "") return DEFAULT_TIME_BUDGET_MS;
  if (!/^[0-9]+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    throw new UserError(
      `${TIME_BUDGET_ENV} must be a positive whole number of milliseconds (e.g. 60000), got ${JSON.stringify(raw)}; ` +
        `fix or unset it in the server's environment`,
    );
  }
  return Number(raw);
}

/** The Date.now() value after which a call that starts now stops reading and analysing files. */
export function deadlineAfter(budgetMs: number, now: number = Date.now()): number {
  return now + budgetMs;
}
