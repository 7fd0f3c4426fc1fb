import { beforeAll, describe, expect, it } from "vitest";
import { auditProject } from "../../src/checklist/audit.js";
import { bundledPersonasDir, loadPersonas } from "../../src/persona/load.js";
import type { Persona } from "../../src/persona/schema.js";
import { MAX_NESTING, nestingBeyond } from "../../src/python/depth.js";
import { loadEngine, parsePython, readTree } from "../../src/python/parser.js";
import { inlineProject, places, scanFiles } from "../rules/helpers.js";

const rep = (s: string, n: number, sep = "") => Array.from({ length: n }, () => s).join(sep);

/**
 * Shapes that nest without limit, each placed where a rule or checklist item inspects it (annotations, Depends,
 * CORS arguments, secrets, conditions, blocking calls). Each is tried at the deepest size the analysis accepts:
 * that is where a recursive helper would overflow the stack.
 */
const SHAPES: Record<string, (n: number) => string> = {
  "a union annotation on a route parameter": (n) =>
    `from fastapi import FastAPI\napp = FastAPI()\n\n\n@app.post("/")\nasync def r(x: ${rep("A", n, " | ")}):\n    return 1\n`,
  "a union return annotation": (n) => `from fastapi import FastAPI\napp = FastAPI()\n\n\n@app.get("/")\nasync def r() -> ${rep("A", n, " | ")}:\n    return 1\n`,
  "nested generic annotations": (n) =>
    `from fastapi import FastAPI\napp = FastAPI()\n\n\n@app.post("/")\nasync def r(x: ${"list[".repeat(n)}dict${"]".repeat(n)}):\n    return 1\n`,
  "nested tuple unpacking of a secret": (n) =>
    `${"(".repeat(n)}password,${"),".repeat(n - 1)}) = ${"(".repeat(n)}"hunter2-hunter2-hunter2",${"),".repeat(n - 1)})\n`,
  "a boolean chain assigned to a secret": (n) => `SECRET_KEY = ${rep("x", n, " or ")} or "hardcoded-secret-key-123"\n`,
  "a conditional chain assigned to a secret": (n) => `SECRET_KEY = ${rep("'a' if x else ", n)}"hardcoded-secret-key-123"\n`,
  "a chain of path methods before blocking I/O": (n) =>
    `from pathlib import Path\n\n\nasync def f():\n    p = Path("a")${".with_suffix('.x')".repeat(n)}\n    p.read_text()\n`,
  "chained calls": (n) => `async def f():\n    x${"()".repeat(n)}\n`,
  "nested dicts returned from a route": (n) =>
    `from fastapi import FastAPI\napp = FastAPI()\n\n\n@app.get("/")\nasync def r():\n    return ${rep("{'a': ", n)}1${rep("}", n)}\n`,
  "nested Depends": (n) =>
    `from fastapi import Depends, FastAPI\napp = FastAPI()\n\n\n@app.get("/")\nasync def r(x=${rep("Depends(", n)}f${rep(")", n)}):\n    return 1\n`,
  "a not-chain in a validation condition": (n) =>
    `from fastapi import FastAPI, HTTPException\napp = FastAPI()\n\n\n@app.get("/")\nasync def r(q: str):\n    if ${rep("not ", n)}q:\n        raise HTTPException(400)\n    return 1\n`,
  "nested lists of CORS origins": (n) =>
    `from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\napp = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=${rep("[", n)}"*"${rep("]", n)}, allow_credentials=True)\n`,
  "nested lambdas": (n) => `handler = ${"lambda: ".repeat(n)}1\n`,
  "nested parentheses": (n) => `x = ${"(".repeat(n)}1${")".repeat(n)}\n`,
};

let persona: Persona;
let deepestAccepted: (shape: (n: number) => string) => number;

beforeAll(async () => {
  persona = (await loadPersonas([bundledPersonasDir()])).personas.find((p) => p.persona.name === "fastapi-pro")!.persona;
  const engine = await loadEngine();
  const accepted = (source: string) => {
    const tree = parsePython(engine, source);
    try {
      return nestingBeyond(readTree(engine, tree, source)) === null;
    } finally {
      tree.delete();
    }
  };
  deepestAccepted = (shape) => {
    let lo = 1;
    let hi = 2 * MAX_NESTING;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (accepted(shape(mid))) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
});

describe("deeply nested code", () => {
  it.each(Object.keys(SHAPES))("is analysed at the deepest accepted nesting of %s without overflowing the stack", async (name) => {
    const shape = SHAPES[name]!;
    const n = deepestAccepted(shape);
    expect(n).toBeGreaterThan(100);
    const files = { "m.py": shape(n) };
    const scan = await scanFiles(files);
    expect(scan.summary.parseErrors).toEqual([]);
    const audit = await auditProject(inlineProject(files), { persona });
    expect(audit.summary.parseErrors).toEqual([]);
    // One level deeper, the file is reported and left out instead.
    const deeper = await scanFiles({ "m.py": shape(n + 1) });
    expect(deeper.summary.parseErrors.map((e) => e.message)).toEqual([
      expect.stringMatching(new RegExp(`^nested more than ${MAX_NESTING} syntax levels deep at line \\d+, column \\d+; the file was not analysed$`)),
    ]);
  });

  it("finds a blocking call at the heart of 400 nested ifs, on its line", async () => {
    const ifs = Array.from({ length: 400 }, (_, i) => `${" ".repeat(4 + i)}if flag${i}:\n`).join("");
    const code = `import time\n\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/deep")\nasync def deep():\n${ifs}${" ".repeat(404)}time.sleep(1)\n`;
    const result = await scanFiles({ "deep.py": code });
    expect(places(result)).toEqual([`deep.py:${9 + 400 + 1} FAPI101`]);
    expect(result.summary.parseErrors).toEqual([]);
  });

  it("reports 5,000 nested parentheses and 500 nested ifs as not analysed and still analyses the other files", async () => {
    const ifs = `def f():\n${Array.from({ length: 500 }, (_, i) => `${" ".repeat(4 + i)}if x:\n`).join("")}${" ".repeat(504)}pass\n`;
    const ok = 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/")\nasync def root():\n    return {"a": 1}\n';
    const result = await scanFiles({ "parens.py": `x = ${"(".repeat(5_000)}1${")".repeat(5_000)}\n`, "ifs.py": ifs, "main.py": ok });
    expect(places(result)).toEqual(["main.py:7 FAPI004"]);
    expect(result.summary.filesScanned).toBe(3);
    expect(result.summary.parseErrors.map((e) => e.file)).toEqual(["ifs.py", "parens.py"]);
    expect(result.summary.parseErrors[1]!.message).toMatch(/^nested more than 1000 syntax levels deep at line 1, column \d+; the file was not analysed$/);
  });

  it("scans a 600 KB file of 150,000 nested calls in seconds, not minutes", async () => {
    // Before the depth guard, tree-sitter's query took minutes on this and silently lost matches past 2^15 levels.
    const started = Date.now();
    const result = await scanFiles({ "calls.py": `x = ${"f(".repeat(150_000)}1${")".repeat(150_000)}\n` });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.summary.parseErrors.map((e) => e.file)).toEqual(["calls.py"]);
  });
});
