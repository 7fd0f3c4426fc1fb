import { beforeAll, describe, expect, it } from "vitest";
import { expectBuilt, runCli } from "./helpers.js";

beforeAll(() => expectBuilt());

// The README's quick start: what a newcomer sees on the example app, from the repository's root.
describe("examples/shop", () => {
  it("shows every anti-pattern rule, and leaves out what its pyproject.toml excludes", async () => {
    const run = await runCli(["scan", "examples/shop", "--format", "json"]);
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out.summary.byRule).toEqual({ FAPI001: 1, FAPI002: 1, FAPI003: 3, FAPI004: 2, FAPI005: 1, FAPI101: 2, FAPI102: 1 });
    expect(out.findings.map((f: { file: string; line: number; rule: string }) => `${f.file}:${f.line} ${f.rule}`)).toEqual([
      "examples/shop/app/main.py:14 FAPI102",
      "examples/shop/app/routers/books.py:13 FAPI001",
      "examples/shop/app/routers/books.py:19 FAPI002",
      "examples/shop/app/routers/books.py:27 FAPI004",
      "examples/shop/app/routers/books.py:29 FAPI005",
      "examples/shop/app/routers/books.py:32 FAPI101",
      "examples/shop/app/routers/orders.py:9 FAPI003",
      "examples/shop/app/routers/orders.py:13 FAPI004",
      "examples/shop/app/routers/orders.py:13 FAPI003",
      "examples/shop/app/routers/orders.py:15 FAPI003",
      "examples/shop/app/routers/orders.py:18 FAPI101",
    ]);
    const unconfigured = JSON.parse((await runCli(["scan", "examples/shop", "--no-config", "--format", "json"])).stdout);
    // FAPI001 itself recognises the seed script (nothing imports it, `__main__` block) and reports nothing there,
    // so the exclusion shows in the number of files scanned.
    expect(unconfigured.summary.filesScanned).toBe(out.summary.filesScanned + 1);
  });

  it("fails most checklist items and passes two", async () => {
    const run = await runCli(["audit", "examples/shop", "--format", "json"]);
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(Object.fromEntries(out.items.map((i: { id: string; status: string }) => [i.id, i.status]))).toEqual({
      C01: "fail",
      C02: "fail",
      C03: "fail",
      C04: "fail",
      C05: "fail",
      C06: "fail",
      C07: "fail",
      C08: "pass",
      C09: "pass",
      C10: "fail",
    });
  });
});
