import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { auditProject } from "../../src/checklist/audit.js";
import { bundledPersonasDir, loadPersonas } from "../../src/persona/load.js";
import type { Persona } from "../../src/persona/schema.js";
import type { ScanResult } from "../../src/scan/scan.js";
import { inlineProject, scanFiles } from "../rules/helpers.js";

/**
 * Property tests: generated and mutated Python goes through the scanner and the checklist audit, which must never
 * throw and must only point at places that exist. The seeds are realistic FastAPI modules that trip every rule, so
 * mutations land near the code the rules inspect. Runs are seeded and bounded so CI stays fast and a failure
 * replays exactly (fast-check prints the seed and the shrunk counterexample).
 */

const SEEDS = [
  `import time
from typing import Annotated

import requests
from fastapi import APIRouter, Depends, FastAPI, HTTPException
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy.orm import Session

from .db import SessionLocal

app = FastAPI(title="Orders")
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
router = APIRouter(prefix="/orders")
CACHE: dict[str, dict] = {}
SECRET_KEY = "s3cr3t-signing-key-do-not-share"


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


SessionDep = Annotated[Session, Depends(get_db)]


@router.get("/{order_id}")
async def read_order(order_id: int, db: SessionDep):
    if order_id < 0:
        raise HTTPException(status_code=400, detail="order_id must be positive")
    time.sleep(0.1)
    order = db.query(Order).filter(Order.id == order_id).first()
    CACHE[str(order_id)] = {"id": order_id}
    return {"id": order.id, "total": order.total}


@router.post("/sync")
async def sync_orders():
    response = requests.get("https://example.invalid/orders", timeout=5)
    return response.json()


app.include_router(router)
`,
  `from fastapi import Depends, FastAPI
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

app = FastAPI()


class ItemIn(BaseModel):
    name: str = Field(min_length=1)
    price: float = Field(gt=0)


class ItemOut(ItemIn):
    id: int


async def get_session() -> AsyncSession:
    async with SessionFactory() as session:
        yield session


@app.post("/items", response_model=ItemOut, tags=["items"])
async def create_item(item: ItemIn, session: AsyncSession = Depends(get_session)) -> ItemOut:
    """Create an item."""
    if len(item.name) > 200:
        raise ValueError("name too long")
    row = Item(**item.model_dump())
    session.add(row)
    await session.commit()
    return ItemOut(id=row.id, **item.model_dump())


@app.get("/health")
def health():
    return {"status": "ok"}
`,
  `import os
import threading

from fastapi import FastAPI, Request

api = FastAPI(docs_url=None)
counter = 0
lock = threading.Lock()
users = []


@api.middleware("http")
async def count_requests(request: Request, call_next):
    global counter
    counter += 1
    return await call_next(request)


@api.get("/users/{name}")
async def add_user(name: str):
    users.append(name)
    token = os.environ.get("TOKEN", "hardcoded-fallback-token")
    if not name.isalnum():
        return {"error": "bad name"}
    with open("users.txt", "a") as f:
        f.write(name)
    return {"users": users, "token": token}
`,
];

/** Text that stresses positions and decoding: multi-byte and astral characters, combining marks, controls. */
const ODD_TEXT = [
  "é",
  "日本",
  "😀",
  "👩‍💻",
  "e\u0301",
  "\u200f",
  "\u0000",
  "\r",
  "\r\n",
  "\t",
  "\f",
  "\v",
  "\\",
  "\ufeff",
  "\ud800",
  "\u2028",
  "'''",
  '"',
  "#",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ":",
  "    ",
  "\n",
  "async ",
  "await ",
  "def ",
  "return ",
  "lambda: ",
  "@app.get('/x')\n",
  "Depends(",
  "# noqa",
];

type Mutation =
  | { kind: "deleteChars"; at: number; count: number }
  | { kind: "insert"; at: number; text: string }
  | { kind: "duplicateLine"; line: number }
  | { kind: "deleteLine"; line: number }
  | { kind: "swapLines"; a: number; b: number }
  | { kind: "nest"; line: number; depth: number; how: "if" | "paren" | "def" };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("deleteChars" as const), at: fc.nat(), count: fc.integer({ min: 1, max: 20 }) }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...ODD_TEXT), fc.string({ unit: "grapheme", maxLength: 6 }), fc.string({ unit: "binary", maxLength: 4 })),
  }),
  fc.record({ kind: fc.constant("duplicateLine" as const), line: fc.nat() }),
  fc.record({ kind: fc.constant("deleteLine" as const), line: fc.nat() }),
  fc.record({ kind: fc.constant("swapLines" as const), a: fc.nat(), b: fc.nat() }),
  fc.record({
    kind: fc.constant("nest" as const),
    line: fc.nat(),
    depth: fc.integer({ min: 1, max: 60 }),
    how: fc.constantFrom("if" as const, "paren" as const, "def" as const),
  }),
);

function applyMutation(source: string, m: Mutation): string {
  const lines = source.split("\n");
  const pick = (n: number) => n % Math.max(lines.length, 1);
  switch (m.kind) {
    case "deleteChars": {
      const at = m.at % (source.length + 1);
      return source.slice(0, at) + source.slice(at + m.count);
    }
    case "insert": {
      const at = m.at % (source.length + 1);
      return source.slice(0, at) + m.text + source.slice(at);
    }
    case "duplicateLine":
      lines.splice(pick(m.line), 0, lines[pick(m.line)] ?? "");
      return lines.join("\n");
    case "deleteLine":
      lines.splice(pick(m.line), 1);
      return lines.join("\n");
    case "swapLines": {
      const a = pick(m.a);
      const b = pick(m.b);
      [lines[a], lines[b]] = [lines[b] ?? "", lines[a] ?? ""];
      return lines.join("\n");
    }
    case "nest": {
      const i = pick(m.line);
      const line = lines[i] ?? "";
      const indent = /^\s*/.exec(line)?.[0] ?? "";
      if (m.how === "paren") {
        lines[i] = `${indent}x = ${"(".repeat(m.depth)}${line.trim() || "1"}${")".repeat(m.depth)}`;
      } else {
        const head = m.how === "if" ? "if flag:" : "async def inner():";
        const opened = Array.from({ length: m.depth }, (_, d) => `${indent}${"    ".repeat(d)}${head}`);
        lines.splice(i, 1, ...opened, `${indent}${"    ".repeat(m.depth)}${line.trimStart()}`);
      }
      return lines.join("\n");
    }
  }
}

const mutatedSource = fc
  .tuple(fc.constantFrom(...SEEDS), fc.array(mutation, { minLength: 1, maxLength: 12 }))
  .map(([seed, ms]) => ms.reduce(applyMutation, seed));

/** Python-shaped noise built from scratch: tokens, brackets and indentation in random order. */
const generatedSource = fc
  .array(
    fc.oneof(
      fc.constantFrom(...ODD_TEXT),
      fc.constantFrom("x", "app", "router", "db", "=", ".", ",", "1", "'s'", "f'{x}'", "None", "True", "*", "**", "->", "import ", "from "),
      fc.string({ unit: "grapheme-ascii", maxLength: 5 }),
    ),
    { maxLength: 200 },
  )
  .map((parts) => parts.join(""));

function lineLengths(source: string): number[] {
  return source.split("\n").map((l) => l.length);
}

/** A place is real when its line exists and its column lies within that line (the end may sit just past it). */
function expectInFile(files: Record<string, string>, file: string, line: number, column?: number): void {
  const content = files[file];
  expect(content, `reported file ${file}`).toBeDefined();
  const lengths = lineLengths(content!);
  expect(line, `line ${line} of ${file} (${lengths.length} lines)`).toBeGreaterThanOrEqual(1);
  expect(line, `line ${line} of ${file} (${lengths.length} lines)`).toBeLessThanOrEqual(lengths.length);
  if (column !== undefined) {
    expect(column, `column ${column} of ${file}:${line}`).toBeGreaterThanOrEqual(1);
    expect(column, `column ${column} of ${file}:${line} (${lengths[line - 1]} characters)`).toBeLessThanOrEqual(lengths[line - 1]! + 1);
  }
}

function expectScanInFile(files: Record<string, string>, result: ScanResult): void {
  for (const f of result.findings) {
    expectInFile(files, f.file, f.line, f.column);
    expectInFile(files, f.file, f.endLine, f.endColumn);
    expect(f.endLine > f.line || (f.endLine === f.line && f.endColumn >= f.column), `${f.rule} ends before it starts`).toBe(true);
  }
  expect(result.summary.filesScanned).toBe(Object.keys(files).length);
}

let persona: Persona;
beforeAll(async () => {
  const loaded = await loadPersonas([bundledPersonasDir()]);
  persona = loaded.personas.find((p) => p.persona.name === "fastapi-pro")!.persona;
});

const RUNS = { seed: 20_240_611, numRuns: 200 };

describe("fuzzing the scanner and the audit", () => {
  it("the unmutated seeds produce findings, so the mutations start from code the rules inspect", async () => {
    const result = await scanFiles({ "a.py": SEEDS[0]!, "b.py": SEEDS[1]!, "c.py": SEEDS[2]! });
    expect(new Set(result.findings.map((f) => f.file))).toEqual(new Set(["a.py", "b.py", "c.py"]));
    expect(result.findings.length).toBeGreaterThanOrEqual(8);
  });

  it("mutated FastAPI modules: scan and audit never throw and only point at real places", async () => {
    await fc.assert(
      fc.asyncProperty(mutatedSource, mutatedSource, async (a, b) => {
        const files = { "app/main.py": a, "app/routes.py": b };
        expectScanInFile(files, await scanFiles(files));
        const audit = await auditProject(inlineProject(files), { persona });
        expect(audit.items.length).toBe(10);
        for (const item of audit.items) {
          for (const e of item.evidence) if (e.file !== undefined && e.line !== undefined && e.file in files) expectInFile(files, e.file, e.line);
        }
      }),
      RUNS,
    );
  });

  it("generated token soup: scan and audit never throw and only point at real places", async () => {
    await fc.assert(
      fc.asyncProperty(generatedSource, async (source) => {
        const files = { "soup.py": source };
        expectScanInFile(files, await scanFiles(files));
        const audit = await auditProject(inlineProject(files), { persona });
        for (const item of audit.items) {
          for (const e of item.evidence) if (e.file === "soup.py" && e.line !== undefined) expectInFile(files, e.file, e.line);
        }
      }),
      RUNS,
    );
  });
});
