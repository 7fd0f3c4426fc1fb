import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLEAN, expectBuilt, runCli, tempProject, TWO_FINDINGS, type TempProject } from "./helpers.js";

const FAPI004_LINE =
  "app/routes.py:6:1: FAPI004 Route handler returns a dict with no response model: the response is unvalidated and undocumented in OpenAPI";
const FAPI101_LINE = "app/routes.py:10:5: FAPI101 Blocking call `time.sleep` inside `async def pause`; use `await asyncio.sleep(...)`";

let project: TempProject;

beforeAll(async () => {
  expectBuilt();
  project = await tempProject({ "app/routes.py": TWO_FINDINGS, "clean/health.py": CLEAN });
});
afterAll(() => project.cleanup());

describe("persona-mcp scan, text output", () => {
  it("prints path:line:col: CODE message relative to the working directory, a summary, and exits 1", async () => {
    const run = await runCli(["scan", "app"], { cwd: project.dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      [FAPI004_LINE, FAPI101_LINE, "", "Found 2 findings in 1 file scanned (FAPI004 1, FAPI101 1)."].join("\n") + "\n",
    );
    expect(run.stderr).toBe("");
  });

  it("reports paths relative to the working directory when run from elsewhere", async () => {
    const run = await runCli(["scan", `${project.dir}/app/routes.py`], { cwd: `${project.dir}/clean` });
    expect(run.code).toBe(1);
    expect(run.stdout.split("\n")[0]).toBe(`../${FAPI004_LINE}`);
  });

  it("scans the working directory by default and several paths in one run", async () => {
    const all = await runCli(["scan"], { cwd: project.dir });
    expect(all.stdout).toContain("Found 2 findings in 2 files scanned");
    const both = await runCli(["scan", "clean", "app/routes.py"], { cwd: project.dir });
    expect(both.code).toBe(1);
    expect(both.stdout).toContain("Found 2 findings in 2 files scanned");
  });

  it("exits 0 with 'All checks passed!' when nothing is found", async () => {
    const run = await runCli(["scan", "clean"], { cwd: project.dir });
    expect(run).toEqual({ code: 0, stdout: "All checks passed! (1 file scanned)\n", stderr: "" });
  });

  it("narrows rules with --select and --ignore, comma-separated or repeated, as prefixes", async () => {
    const select = await runCli(["scan", "app", "--select", "FAPI1"], { cwd: project.dir });
    expect(select.stdout.split("\n")[0]).toBe(FAPI101_LINE);
    expect(select.stdout).toContain("Found 1 finding in 1 file scanned (FAPI101 1).");
    const ignored = await runCli(["scan", "app", "--ignore", "FAPI004,fapi101"], { cwd: project.dir });
    expect(ignored.code).toBe(0);
    const repeated = await runCli(["scan", "app", "--ignore=FAPI004", "--ignore", "FAPI101"], { cwd: project.dir });
    expect(repeated.code).toBe(0);
  });

  it("caps what is shown with --max-findings and still counts everything", async () => {
    const run = await runCli(["scan", "app", "--max-findings", "1"], { cwd: project.dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      [
        FAPI004_LINE,
        "",
        "Found 2 findings in 1 file scanned (FAPI004 1, FAPI101 1).",
        "Truncated: showing the first 1 of 2 findings (maxFindings).",
      ].join("\n") + "\n",
    );
  });

  it("exits 0 with --exit-zero while still printing the findings", async () => {
    const run = await runCli(["scan", "app", "--exit-zero"], { cwd: project.dir });
    expect(run.code).toBe(0);
    expect(run.stdout.split("\n")[0]).toBe(FAPI004_LINE);
  });

  it("counts # noqa suppressions in the summary", async () => {
    const p = await tempProject({ "a.py": TWO_FINDINGS.replace("time.sleep(1)", "time.sleep(1)  # noqa: FAPI101") });
    try {
      const run = await runCli(["scan"], { cwd: p.dir });
      expect(run.stdout).toContain("Found 1 finding in 1 file scanned (FAPI004 1).\n1 finding suppressed by noqa or per-file-ignores.\n");
    } finally {
      await p.cleanup();
    }
  });

  it("warns on stderr about files with syntax errors, and still reports what it found", async () => {
    const p = await tempProject({ "a.py": `${TWO_FINDINGS}\ndef broken(:\n    pass\n` });
    try {
      const run = await runCli(["scan"], { cwd: p.dir });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain("a.py:6:1: FAPI004");
      expect(run.stderr).toMatch(/^warning: a\.py: syntax error at line 12/);
    } finally {
      await p.cleanup();
    }
  });
});

describe("persona-mcp scan, colour", () => {
  it("writes no escape codes to a pipe", async () => {
    const run = await runCli(["scan", "app"], { cwd: project.dir });
    expect(run.stdout).not.toContain("\x1b[");
  });

  it("colours with FORCE_COLOR, as ruff does: bold path, cyan colons, red code", async () => {
    const run = await runCli(["scan", "app"], { cwd: project.dir, env: { FORCE_COLOR: "1" } });
    expect(run.stdout.split("\n")[0]).toBe(
      "\x1b[1mapp/routes.py\x1b[22m\x1b[36m:\x1b[39m6\x1b[36m:\x1b[39m1\x1b[36m:\x1b[39m \x1b[1m\x1b[31mFAPI004\x1b[39m\x1b[22m " +
        "Route handler returns a dict with no response model: the response is unvalidated and undocumented in OpenAPI",
    );
  });

  it("never colours with NO_COLOR, even when colour is forced", async () => {
    const run = await runCli(["scan", "app"], { cwd: project.dir, env: { FORCE_COLOR: "1", NO_COLOR: "1" } });
    expect(run.stdout).not.toContain("\x1b[");
  });
});

describe("persona-mcp scan, json output", () => {
  it("prints the scan_anti_patterns result with paths relative to the working directory", async () => {
    const run = await runCli(["scan", "app", "--format", "json"], { cwd: project.dir });
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out.findings[0]).toEqual({
      rule: "FAPI004",
      name: "return-dict",
      antiPattern: "Return Dicts",
      severity: "warning",
      message: "Route handler returns a dict with no response model: the response is unvalidated and undocumented in OpenAPI",
      fix: "Return Pydantic Models: declare the response with a model (`-> Item`, or `response_model=Item`) and return an instance of it.",
      file: "app/routes.py",
      line: 6,
      column: 1,
      endLine: 6,
      endColumn: 17,
    });
    expect(out.findings.map((f: { rule: string }) => f.rule)).toEqual(["FAPI004", "FAPI101"]);
    expect(out.summary).toEqual({
      filesScanned: 1,
      findings: 2,
      suppressed: 0,
      byRule: { FAPI004: 1, FAPI101: 1 },
      parseErrors: [],
      skipped: [],
    });
    expect(out.truncated).toBe(false);
  });

  it("exits 0 with an empty list when clean", async () => {
    const run = await runCli(["scan", "clean", "--format=json"], { cwd: project.dir });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).findings).toEqual([]);
  });
});

describe("persona-mcp scan, usage and input errors exit 2 with one line on stderr", () => {
  const cases: [string, string[], string][] = [
    ["an unknown option", ["scan", "--fix"], `persona-mcp scan: unknown option --fix for "scan"; run persona-mcp scan --help for its options\n`],
    ["a missing value", ["scan", "--select"], "persona-mcp scan: --select needs a value\n"],
    ["a bad format", ["scan", "--format", "xml"], `persona-mcp scan: --format must be one of text, json, sarif for "scan", got "xml"\n`],
    ["a bad cap", ["scan", "--max-findings", "0"], `persona-mcp scan: --max-findings needs a positive whole number, got "0"\n`],
    [
      "an unknown rule code",
      ["scan", "--select", "FAPI9"],
      `persona-mcp scan: unknown rule code "FAPI9" in select; known codes: FAPI001, FAPI002, FAPI003, FAPI004, FAPI005, FAPI101, FAPI102\n`,
    ],
    ["a missing path", ["scan", "nowhere"], "persona-mcp scan: nowhere does not exist\n"],
    [
      "an unknown persona",
      ["scan", "--persona", "rails-pro"],
      `persona-mcp scan: unknown persona "rails-pro"; available personas: fastapi-pro (list_personas describes them)\n`,
    ],
  ];
  for (const [what, args, stderr] of cases) {
    it(`for ${what}`, async () => {
      const run = await runCli(args, { cwd: project.dir });
      expect(run).toEqual({ code: 2, stdout: "", stderr });
    });
  }
});

describe("persona-mcp scan --help and --version", () => {
  it("prints the scan options and exits 0", async () => {
    const run = await runCli(["scan", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: persona-mcp scan \[options\] \[path\]\.\.\.\n/);
    expect(run.stdout).toContain("--format FORMAT    text (default), json or sarif");
  });

  it("prints the package version", async () => {
    const run = await runCli(["scan", "--version"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
