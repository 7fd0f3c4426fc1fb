import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectBuilt, runCli, tempProject, type TempProject } from "./helpers.js";

const APP = `from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI(title="Notes", description="Short notes")


class Note(BaseModel):
    text: str


@app.post("/notes", tags=["notes"], summary="Add a note")
async def add_note(note: Note) -> Note:
    return note
`;

const TESTS = `import pytest
from httpx import ASGITransport, AsyncClient

from app import app


@pytest.mark.anyio
async def test_add_note():
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        response = await client.post("/notes", json={"text": "hi"})
    assert response.status_code == 200
`;

let project: TempProject;
beforeAll(async () => {
  expectBuilt();
  project = await tempProject({ "app.py": APP, "test_app.py": TESTS, "sync.py": APP.replace("async def add_note", "def add_note") });
});
afterAll(() => project.cleanup());

describe("persona-mcp validate", () => {
  it("exits 0 when every check passes or does not apply", async () => {
    const run = await runCli(["validate", "app.py", "test_app.py"], { cwd: project.dir });
    expect(run.code).toBe(0);
    const statuses = run.stdout.split("\n").filter((l) => /^(PASS|FAIL|N\/A) /.test(l)).map((l) => l.split(/\s+/).slice(0, 2).join(" "));
    expect(statuses).toEqual(["PASS Async", "PASS Validation", "N/A Database", "PASS Docs", "PASS Testing"]);
    expect(run.stdout).toMatch(/\n4 passed, 0 failed, 1 not applicable\.\n$/);
  });

  it("exits 1 with the failing check's reasons, naming the file relative to the working directory", async () => {
    const run = await runCli(["validate", "sync.py", "test_app.py", "--format", "json"], { cwd: project.dir });
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out.ok).toBe(false);
    const async = out.checks.find((c: { name: string }) => c.name === "Async");
    expect(async.status).toBe("fail");
    expect(async.reasons.join("\n")).toContain("sync.py:12");
  });

  it("reads standard input for -", async () => {
    const run = await runCli(["validate", "-", "--format", "json"], { cwd: project.dir, input: APP });
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out.checks.map((c: { status: string }) => c.status)).toEqual(["pass", "pass", "not_applicable", "pass", "fail"]);
  });

  it("exits 2 for no files, a folder or a missing file", async () => {
    expect((await runCli(["validate"], { cwd: project.dir })).stderr).toBe(
      "persona-mcp validate: give the files to check, e.g. persona-mcp validate app/main.py (or - for stdin)\n",
    );
    expect(await runCli(["validate", "."], { cwd: project.dir })).toEqual({
      code: 2,
      stdout: "",
      stderr: "persona-mcp validate: . is a folder; validate checks files (use persona-mcp audit for a project)\n",
    });
    expect((await runCli(["validate", "nope.py"], { cwd: project.dir })).code).toBe(2);
  });
});
