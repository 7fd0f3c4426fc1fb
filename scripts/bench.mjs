#!/usr/bin/env node
// npm run bench [folder]: scan time as a ratio to a bare tree-sitter parse of the same files, peak RSS, and
// memory across repeated scans. Ratios, not seconds: this machine is shared and noisy, so both sides run in
// this one process, interleaved, and the median of several rounds is reported.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

const dist = new URL("../dist/", import.meta.url);
const { loadProject } = await import(new URL("files/load.js", dist).href);
const { createAccessPolicy } = await import(new URL("files/roots.js", dist).href);
const { scanProject } = await import(new URL("scan/scan.js", dist).href);
const { auditProject } = await import(new URL("checklist/audit.js", dist).href).catch(() => ({}));
const { loadEngine, parsePython } = await import(new URL("python/parser.js", dist).href);
const { bundledPersonasDir, loadPersonas } = await import(new URL("persona/load.js", dist).href);

// Five rounds: on a shared machine one round's ratio can be 10% off, and the median of three still moved by 5%.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const target = process.argv[2];

function generateCorpus(files) {
  // Realistic FastAPI modules of varied shape: models, CRUD, routes with dependencies, settings.
  const out = [];
  for (let i = 0; i < files; i++) {
    const kind = i % 4;
    const n = `m${i}`;
    let src = `from typing import Annotated\nfrom fastapi import APIRouter, Depends, HTTPException, status\nfrom pydantic import BaseModel, Field\nfrom sqlalchemy import select\nfrom sqlalchemy.ext.asyncio import AsyncSession\n\nfrom app.api.deps import SessionDep, get_db\n\nrouter = APIRouter(prefix="/${n}", tags=["${n}"])\n\n`;
    for (let j = 0; j < 12; j++) {
      if (kind === 0) {
        src += `class Item${j}(BaseModel):\n    id: int\n    name: str = Field(min_length=1, max_length=50)\n    price: float = Field(gt=0)\n    tags: list[str] = []\n\n\n`;
      } else if (kind === 1) {
        src += `async def get_item_${j}(db: AsyncSession, item_id: int):\n    result = await db.execute(select(Item).where(Item.id == item_id))\n    item = result.scalar_one_or_none()\n    if item is None:\n        return None\n    return item\n\n\n`;
      } else if (kind === 2) {
        src += `@router.get("/items${j}/{item_id}", response_model=Item, summary="Read item ${j}")\nasync def read_item_${j}(item_id: int, db: SessionDep, q: str | None = None):\n    """Read one item."""\n    item = await get_item(db, item_id)\n    if not item:\n        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Item not found")\n    if q and len(q) > 50:\n        raise HTTPException(status_code=400, detail="q too long")\n    return item\n\n\n`;
      } else {
        src += `def helper_${j}(values: list[int]) -> dict[str, int]:\n    total = 0\n    for v in values:\n        if v % 2 == 0:\n            total += v\n        else:\n            total -= v\n    return {"total": total, "count": len(values)}\n\n\n`;
      }
    }
    out.push({ path: `app/pkg${i % 40}/${n}.py`, absPath: null, content: src });
  }
  out.push({ path: "app/api/deps.py", absPath: null, content: "from typing import Annotated\nfrom fastapi import Depends\nfrom sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker\nSessionLocal = async_sessionmaker()\nasync def get_db():\n    async with SessionLocal() as s:\n        yield s\nSessionDep = Annotated[AsyncSession, Depends(get_db)]\n" });
  return out;
}

async function loadTarget() {
  if (!target) {
    const pythonFiles = generateCorpus(Number(process.env.BENCH_FILES ?? 3000));
    return { label: `generated corpus (${pythonFiles.length} files)`, project: { root: null, pythonFiles, otherFiles: [], skipped: [], truncated: null, isGitIgnored: () => false } };
  }
  const abs = path.resolve(target);
  const policy = await createAccessPolicy({ flagRoots: [abs], cwd: abs });
  const project = await loadProject({ path: abs }, policy, {});
  return { label: `${abs} (${project.pythonFiles.length} Python files)`, project };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const mib = (b) => `${(b / 1024 / 1024).toFixed(1)} MiB`;

const { label, project } = await loadTarget();
const engine = await loadEngine();
const persona = (await loadPersonas([bundledPersonasDir()])).personas[0].persona;
const bytes = project.pythonFiles.reduce((n, f) => n + f.content.length, 0);
console.log(`persona-mcp bench: ${label}, ${mib(bytes)} of source, ${ROUNDS} rounds`);

async function bareParse() {
  const t = performance.now();
  for (const f of project.pythonFiles) parsePython(engine, f.content).delete();
  return performance.now() - t;
}
async function fullScan() {
  const t = performance.now();
  await scanProject(project, { persona: "fastapi-pro", maxFindings: 100 });
  return performance.now() - t;
}
async function fullAudit() {
  const t = performance.now();
  await auditProject(project, { persona });
  return performance.now() - t;
}

// Warm up both paths once (WASM compile, query compile, JIT).
await bareParse();
await fullScan();
const parseTimes = [];
const scanTimes = [];
const auditTimes = [];
const rssAfterScan = [];
for (let r = 0; r < ROUNDS; r++) {
  parseTimes.push(await bareParse());
  scanTimes.push(await fullScan());
  if (auditProject) auditTimes.push(await fullAudit());
  global.gc?.();
  rssAfterScan.push(process.memoryUsage().rss);
}
const p = median(parseTimes);
const s = median(scanTimes);
console.log(`scan / bare parse: ${(s / p).toFixed(2)}x  (target <= 1.5x; rounds: ${scanTimes.map((t, i) => (t / parseTimes[i]).toFixed(2)).join(" ")})`);
if (auditTimes.length > 0) console.log(`audit / bare parse: ${(median(auditTimes) / p).toFixed(2)}x`);
console.log(`rss after each round: ${rssAfterScan.map(mib).join(", ")}`);

// Memory across many small scans: the WASM heap never shrinks, so any leaked tree shows up here.
const SMALL = Number(process.env.BENCH_SMALL_SCANS ?? 2000);
const largest = project.pythonFiles.reduce((a, f) => (f.content.length > (a?.content.length ?? -1) && f.content.length < 20_000 ? f : a), null);
const small = { root: null, pythonFiles: [{ path: "snippet.py", absPath: null, content: largest?.content ?? "x = 1\n" }], otherFiles: [], skipped: [], truncated: null, isGitIgnored: () => false };
global.gc?.();
const before = process.memoryUsage();
const tSmall = performance.now();
for (let i = 0; i < SMALL; i++) await scanProject(small, { persona: "fastapi-pro" });
const elapsedSmall = performance.now() - tSmall;
global.gc?.();
const mid = process.memoryUsage();
for (let i = 0; i < SMALL; i++) await scanProject(small, { persona: "fastapi-pro" });
global.gc?.();
const after = process.memoryUsage();
// The WASM heap is not visible to process.memoryUsage() apart from RSS; the tests count parses against tree
// deletions exactly, this line shows the RSS trend.
console.log(`${SMALL} sequential small scans, twice: rss ${mib(before.rss)} -> ${mib(mid.rss)} -> ${mib(after.rss)}; ${(elapsedSmall / SMALL).toFixed(2)} ms per scan`);
// The kernel's high-water mark: a scan never yields to a timer here (nothing could cancel it), so sampling misses it.
console.log(`peak rss: ${mib(process.resourceUsage().maxRSS * 1024)}`);
