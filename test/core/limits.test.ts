import { describe, expect, it } from "vitest";
import { UserError } from "../../src/core/errors.js";
import { DEFAULT_TIME_BUDGET_MS, deadlineAfter, timeBudgetMs } from "../../src/core/limits.js";

describe("timeBudgetMs", () => {
  it("is 60 seconds unless the environment says otherwise", () => {
    expect(DEFAULT_TIME_BUDGET_MS).toBe(60_000);
    expect(timeBudgetMs({})).toBe(60_000);
    expect(timeBudgetMs({ PERSONA_MCP_TIME_BUDGET_MS: "" })).toBe(60_000);
    expect(timeBudgetMs({ PERSONA_MCP_TIME_BUDGET_MS: " 1500 " })).toBe(1_500);
  });

  it.each(["0", "-5", "1.5", "10s", "abc", "99999999999999999999"])("refuses %j with a message saying what to do", (raw) => {
    const call = () => timeBudgetMs({ PERSONA_MCP_TIME_BUDGET_MS: raw });
    expect(call).toThrow(UserError);
    expect(call).toThrow(
      `PERSONA_MCP_TIME_BUDGET_MS must be a positive whole number of milliseconds (e.g. 60000), got ${JSON.stringify(raw)}; fix or unset it in the server's environment`,
    );
  });
});

describe("deadlineAfter", () => {
  it("adds the budget to the clock", () => {
    expect(deadlineAfter(60_000, 1_000)).toBe(61_000);
  });
});
