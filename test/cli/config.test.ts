import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { expectBuilt, runCli, tempProject, TWO_FINDINGS, type TempProject } from "./helpers.js";

/** Two files with FAPI004 (line 6) and FAPI101 (line 10) each, the other under lib/. */
const FILES = { "app/routes.py": TWO_FINDINGS, "lib/routes.py": TWO_FINDINGS };

let project: TempProject | null = null;
beforeAll(() => expectBuilt());
afterEach(async () => {
  await project?.cleanup();
  project = null;
});

async function withConfig(table: string, files: Record<string, string> = FILES): Promise<TempProject> {
  project = await tempProject({ ...files, "pyproject.toml": `[project]\nname = "demo"\n\n${table}\n` });
  return project;
}

/** The reported `file:line: CODE` triples, for comparing what a configuration let through. */
async function reported(args: string[], cwd: string): Promise<string[]> {
  const run = await runCli(["scan", ...args, "--format", "json"], { cwd });
  expect(run.stderr).toBe("");
  return JSON.parse(run.stdout).findings.map((f: any) => `${f.file}:${f.line}: ${f.rule}`);
}

describe("[tool.persona-mcp] in pyproject.toml, through the CLI", () => {
  it("select and ignore choose the rules", async () => {
    const p = await withConfig(`[tool.persona-mcp]\nselect = ["FAPI1"]`);
    expect(await reported([], p.dir)).toEqual(["app/routes.py:10: FAPI101", "lib/routes.py:10: FAPI101"]);
    await p.write("pyproject.toml", `[tool.persona-mcp]\nignore = ["FAPI101"]\n`);
    expect(await reported([], p.dir)).toEqual(["app/routes.py:6: FAPI004", "lib/routes.py:6: FAPI004"]);
  });

  it("a flag replaces the key of the same name", async () => {
    const p = await withConfig(`[tool.persona-mcp]\nselect = ["FAPI1"]\nignore = ["FAPI004"]`);
    expect(await reported(["--select", "FAPI004,FAPI101"], p.dir)).toEqual([
      "app/routes.py:10: FAPI101",
      "lib/routes.py:10: FAPI101",
    ]);
    expect(await reported(["--select", "FAPI004", "--ignore", "FAPI101"], p.dir)).toEqual([
      "app/routes.py:6: FAPI004",
      "lib/routes.py:6: FAPI004",
    ]);
  });

  it("exclude leaves files and folders out, named files too", async () => {
    const p = await withConfig(`[tool.persona-mcp]\nexclude = ["lib/"]`);
    const run = await runCli(["scan"], { cwd: p.dir });
    expect(run.stdout).toContain("Found 2 findings in 1 file scanned");
    expect(await reported([], p.dir)).toEqual(["app/routes.py:6: FAPI004", "app/routes.py:10: FAPI101"]);
    // As with ruff's force-exclude: a pre-commit hook passes file names, and excluded ones must stay out.
    const named = await runCli(["scan", "lib/routes.py"], { cwd: p.dir });
    expect(named).toMatchObject({ code: 0, stdout: "All checks passed! (0 files scanned)\n" });
  });

  it("per-file-ignores silences codes in matching files and counts them as suppressed", async () => {
    const p = await withConfig(`[tool.persona-mcp.per-file-ignores]\n"lib/**" = ["FAPI004", "FAPI1"]\n"routes.py" = ["FAPI101"]`);
    expect(await reported([], p.dir)).toEqual(["app/routes.py:6: FAPI004"]);
    const run = await runCli(["scan"], { cwd: p.dir });
    expect(run.stdout).toContain("3 findings suppressed by noqa or per-file-ignores.");
  });

  it("max-findings caps the report, and --max-findings overrides it", async () => {
    const p = await withConfig(`[tool.persona-mcp]\nmax-findings = 1`);
    expect(await reported([], p.dir)).toEqual(["app/routes.py:6: FAPI004"]);
    expect(await reported(["--max-findings", "3"], p.dir)).toHaveLength(3);
  });

  it("is found in the nearest ancestor with the table, and its globs stay relative to that folder", async () => {
    const p = await withConfig(`[tool.persona-mcp]\nexclude = ["/app/legacy/"]\n\n[tool.persona-mcp.per-file-ignores]\n"app/new/*.py" = ["FAPI004"]`, {
      "app/legacy/old.py": TWO_FINDINGS,
      "app/new/api.py": TWO_FINDINGS,
      // A pyproject.toml without the table is passed over.
      "app/pyproject.toml": `[project]\nname = "inner"\n`,
    });
    expect(await reported(["app"], p.dir)).toEqual(["app/new/api.py:10: FAPI101"]);
    // Run from a sub-folder of the repository: the search goes up to the folder holding .git.
    await p.write(".git/HEAD", "ref: refs/heads/main\n");
    expect(await reported(["."], `${p.dir}/app/new`)).toEqual(["api.py:10: FAPI101"]);
  });

  it("--no-config ignores it", async () => {
    const p = await withConfig(`[tool.persona-mcp]\nselect = ["FAPI101"]\nexclude = ["lib/"]`);
    expect(await reported(["--no-config"], p.dir)).toHaveLength(4);
  });
});

describe("configuration errors exit 2 naming the file and the key", () => {
  const cases: [string, string, RegExp][] = [
    [
      "an unknown key",
      `[tool.persona-mcp]\nselct = ["FAPI001"]`,
      /^persona-mcp scan: \S+\/pyproject\.toml: \[tool\.persona-mcp\] has an unknown key "selct" \(known keys: select, ignore, exclude, per-file-ignores, max-findings\)\n$/,
    ],
    [
      "an underscore spelling",
      `[tool.persona-mcp]\nmax_findings = 5`,
      /pyproject\.toml: \[tool\.persona-mcp\] has an unknown key "max_findings"; did you mean "max-findings"\?/,
    ],
    [
      "an unknown rule code in select",
      `[tool.persona-mcp]\nselect = ["FAPI001", "FAPI999"]`,
      /pyproject\.toml: \[tool\.persona-mcp\] select: unknown rule code "FAPI999"; known codes: FAPI001, FAPI002, FAPI003, FAPI004, FAPI005, FAPI101, FAPI102\n$/,
    ],
    [
      "an unknown rule code in per-file-ignores",
      `[tool.persona-mcp.per-file-ignores]\n"tests/*" = ["E501"]`,
      /pyproject\.toml: \[tool\.persona-mcp\] per-file-ignores "tests\/\*": unknown rule code "E501"/,
    ],
    [
      "a wrongly typed value",
      `[tool.persona-mcp]\nignore = "FAPI004"`,
      /pyproject\.toml: \[tool\.persona-mcp\] ignore must be a list of strings, e\.g\. ignore = \["FAPI004"\]/,
    ],
    [
      "a bad max-findings",
      `[tool.persona-mcp]\nmax-findings = 0`,
      /pyproject\.toml: \[tool\.persona-mcp\] max-findings must be a positive whole number/,
    ],
    ["invalid TOML", `[tool.persona-mcp]\nselect = [`, /pyproject\.toml: not valid TOML at line \d+, column \d+: Invalid TOML document: invalid value\n$/],
  ];
  for (const [what, table, message] of cases) {
    it(`for ${what}`, async () => {
      const p = await withConfig(table);
      const run = await runCli(["scan"], { cwd: p.dir });
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(message);
      expect(run.stderr).toContain(`${p.dir}/pyproject.toml`);
    });
  }

  it("an unknown code in ignore is an error even when a flag replaces that key (the file is still wrong)", async () => {
    const p = await withConfig(`[tool.persona-mcp]\nignore = ["FAPI42"]`);
    const run = await runCli(["scan", "--ignore", "FAPI004"], { cwd: p.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`ignore: unknown rule code "FAPI42"`);
  });
});
