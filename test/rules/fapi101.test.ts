import { describe, expect, it } from "vitest";
import { fapi003 } from "../../src/rules/fapi003-hardcoded-auth.js";
import { fapi101 } from "../../src/rules/fapi101-blocking-call-in-async.js";
import { places, scanFiles } from "./helpers.js";

describe("FAPI101 and FAPI002 in command-line scripts", () => {
  it("leave a script's async main alone and still check the server and a runnable app module", async () => {
    const result = await scanFiles(
      {
        "evals/run_eval.py": [
          "import asyncio",
          "import requests",
          "from sqlalchemy import create_engine",
          "",
          "async def main():",
          '    with open("results.json") as f:',
          "        f.read()",
          '    requests.get("https://example.com")',
          '    create_engine("sqlite://")',
          "",
          'if __name__ == "__main__":',
          "    asyncio.run(main())",
          "",
        ].join("\n"),
        "app/main.py": [
          "import uvicorn",
          "from fastapi import FastAPI",
          "",
          "app = FastAPI()",
          "",
          '@app.get("/report")',
          "async def report() -> str:",
          '    with open("report.txt") as f:',
          "        return f.read()",
          "",
          'if __name__ == "__main__":',
          "    uvicorn.run(app)",
          "",
        ].join("\n"),
      },
      { select: ["FAPI101", "FAPI002"] },
    );
    expect(places(result)).toEqual(["app/main.py:8 FAPI101"]);
  });

  it("leave alone a module that runs its own event loop at import, unless the server imports it", async () => {
    const job = ["import asyncio", "", "async def main():", '    with open("out.json") as f:', "        f.read()", "", "asyncio.run(main())", ""].join("\n");
    const result = await scanFiles(
      {
        "app/eval/synthesize.py": job,
        "app/jobs.py": job,
        "app/main.py": ["from fastapi import FastAPI", "from app import jobs", "", "app = FastAPI()", ""].join("\n"),
      },
      { select: ["FAPI101"] },
    );
    expect(places(result)).toEqual(["app/jobs.py:4 FAPI101"]);
  });

  it("leave alone an async helper in a migration, which the alembic command runs", async () => {
    const migration = [
      "import asyncio",
      "",
      'revision = "2fac23e4d91b"',
      "down_revision = None",
      "",
      "async def summarise():",
      '    with open("summaries.json") as f:',
      "        return f.read()",
      "",
      "def upgrade():",
      "    asyncio.run(summarise())",
      "",
    ].join("\n");
    const result = await scanFiles({ "migrations/versions/2fac23e4d91b_summaries.py": migration, "app/jobs.py": migration }, { select: ["FAPI101"] });
    expect(places(result)).toEqual(["app/jobs.py:7 FAPI101"]);
  });

  it("leave alone a script that only tests import", async () => {
    const bench = ["import asyncio", "", "async def main():", '    with open("out.json") as f:', "        f.read()", "", 'if __name__ == "__main__":', "    asyncio.run(main())", ""].join("\n");
    const result = await scanFiles(
      {
        "evals/benchmark.py": bench,
        "tests/test_benchmark.py": "from evals.benchmark import main\n",
        "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
      },
      { select: ["FAPI101"] },
    );
    expect(places(result)).toEqual([]);
  });

  it("checks a script-looking module that the server imports", async () => {
    const result = await scanFiles(
      {
        "tools/fetch.py": ["import requests", "", "async def fetch(url):", "    return requests.get(url)", "", 'if __name__ == "__main__":', "    pass", ""].join("\n"),
        "app/main.py": ["from fastapi import FastAPI", "from tools.fetch import fetch", "", "app = FastAPI()", ""].join("\n"),
      },
      { select: ["FAPI101"] },
    );
    expect(places(result)).toEqual(["tools/fetch.py:4 FAPI101"]);
  });
});

describe("FAPI101 and ruff's flake8-async", () => {
  it("counts a line silenced for ruff's ASYNC2xx check as suppressed", async () => {
    const source = [
      "import time",
      "",
      "",
      "async def read(path):",
      "    with open(path) as f:  # noqa: ASYNC230",
      "        data = f.read()",
      "    time.sleep(1)  # noqa: ASYNC251",
      "    return data",
      "",
    ].join("\n");
    const result = await scanFiles({ "app/files.py": source }, { select: ["FAPI101"] });
    expect(places(result)).toEqual([]);
    expect(result.summary.suppressed).toBe(2);
  });

  it("say so in the rule docs a client reads", () => {
    expect(fapi101.docs.what).toContain("`# noqa: ASYNC230`, any of ASYNC210-ASYNC251");
    expect(fapi003.docs.what).toContain("ruff's `# noqa: S105` (`S106`, `S107`)");
  });
});
