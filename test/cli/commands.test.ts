import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectBuilt, runCli, tempProject, type TempProject } from "./helpers.js";

let project: TempProject;
beforeAll(async () => {
  expectBuilt();
  project = await tempProject({
    // A sync handler (C01 fails), a dict body and no response model (C02 fails).
    "app/main.py": `from fastapi import FastAPI\napp = FastAPI()\n\n@app.post("/items")\ndef create(item: dict):\n    return item\n`,
  });
});
afterAll(() => project.cleanup());

describe("persona-mcp audit", () => {
  it("prints each checklist item with its status and evidence, a summary, and exits 1 when one fails", async () => {
    const run = await runCli(["audit", "app"], { cwd: project.dir });
    expect(run.code).toBe(1);
    const statuses = run.stdout.split("\n").filter((l) => /^(PASS|FAIL|N\/A) /.test(l)).map((l) => l.slice(0, 8));
    expect(statuses).toEqual(["FAIL C01", "FAIL C02", "FAIL C03", "FAIL C04", "N/A  C05", "N/A  C06", "FAIL C07", "FAIL C08", "FAIL C09", "FAIL C10"]);
    // Evidence paths are relative to where the command ran.
    expect(run.stdout).toContain("     app/main.py:5: sync `def create`\n");
    expect(run.stdout).toMatch(/\n0 passed, 8 failed, 2 not applicable \(1 file read\)\.\n$/);
  });

  it("gives the audit_checklist result as JSON", async () => {
    const run = await runCli(["audit", "--format", "json"], { cwd: project.dir });
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out.items.map((i: { id: string }) => i.id)).toEqual(["C01", "C02", "C03", "C04", "C05", "C06", "C07", "C08", "C09", "C10"]);
    expect(out.items[0]).toMatchObject({ id: "C01", status: "fail" });
    expect(out.items[0].evidence).toContainEqual({ file: "app/main.py", line: 5, note: "sync `def create`" });
    expect(out.summary).toMatchObject({ pass: 0, fail: 8, notApplicable: 2, filesScanned: 1 });
  });

  it("exits 0 with --exit-zero, and 2 for a missing folder or a second path", async () => {
    expect((await runCli(["audit", "--exit-zero"], { cwd: project.dir })).code).toBe(0);
    expect(await runCli(["audit", "gone"], { cwd: project.dir })).toEqual({
      code: 2,
      stdout: "",
      stderr: "persona-mcp audit: gone does not exist\n",
    });
    expect((await runCli(["audit", "a", "b"], { cwd: project.dir })).stderr).toBe(
      "persona-mcp audit: audit takes one project folder, got 2\n",
    );
  });
});

describe("persona-mcp delegate", () => {
  it("names the specialist and the words that decided, exit 0", async () => {
    const run = await runCli(["delegate", "design a sharding and partitioning strategy for the events table"]);
    expect(run.code).toBe(0);
    expect(run.stdout.split("\n")[0]).toBe(
      "Delegate to database-architect (Schema design, advanced SQL)",
    );
    expect(run.stdout).toContain("\nCandidates:\n  database-architect ");
  });

  it("joins unquoted words into one task and answers as JSON", async () => {
    const run = await runCli(["delegate", "--format", "json", "add", "a", "paginated", "orders", "endpoint"]);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({ decision: "handle", delegate: null, when: null });
    expect(out.candidates.map((c: { name: string }) => c.name).sort()).toEqual([
      "database-architect",
      "frontend-developer",
      "python-pro",
      "security-auditor",
    ]);
  });

  it("exits 2 without a task", async () => {
    const run = await runCli(["delegate"]);
    expect(run).toEqual({
      code: 2,
      stdout: "",
      stderr: `persona-mcp delegate: give the task in words, e.g. persona-mcp delegate "add a paginated orders endpoint"\n`,
    });
  });
});

describe("persona-mcp personas", () => {
  it("lists the bundled persona as text and as JSON", async () => {
    const text = await runCli(["personas"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^fastapi-pro( \S+)?: /);
    const json = await runCli(["personas", "--format", "json"]);
    const out = JSON.parse(json.stdout);
    expect(out.personas.map((p: { name: string }) => p.name)).toEqual(["fastapi-pro"]);
    expect(out.personas[0].delegates).toEqual(["python-pro", "database-architect", "frontend-developer", "security-auditor"]);
  });

  it("takes no arguments and refuses scan-only options", async () => {
    expect((await runCli(["personas", "extra"])).stderr).toBe(`persona-mcp personas: personas takes no arguments, got "extra"\n`);
    expect((await runCli(["personas", "--select", "FAPI001"])).stderr).toBe(
      `persona-mcp personas: --select does not apply to "personas"; run persona-mcp personas --help for its options\n`,
    );
  });
});
