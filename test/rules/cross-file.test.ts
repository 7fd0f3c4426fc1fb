import { readFileSync, readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { withProjectIndex } from "../../src/python/analyze.js";
import { inlineProject, places, scanFiles } from "./helpers.js";

/**
 * Multi-file projects for what only shows across modules: type aliases imported absolutely and relatively,
 * `Depends` targets whose session factory lives in a third module, projects scanned from above their import
 * root, routers wrapped in classes, and project modules named like libraries. Each file says what it expects
 * with `# ruleid:` / `# ok:` on the line before, as the single-file fixtures do; the comparison is strict.
 */
const projectsDir = fileURLToPath(new URL("../fixtures/projects/", import.meta.url));
const CODES = ["FAPI002", "FAPI004", "FAPI101"];

function loadProject(name: string): Record<string, string> {
  const root = join(projectsDir, name);
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".py")) files[relative(root, full).split(sep).join("/")] = readFileSync(full, "utf8");
    }
  };
  walk(root);
  return files;
}

function expectedPlaces(files: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [path, content] of Object.entries(files)) {
    content.split("\n").forEach((text, i) => {
      const m = /#\s*ruleid:\s*([A-Z0-9, ]+)/.exec(text);
      for (const code of m?.[1]?.split(/[ ,]+/) ?? []) if (CODES.includes(code)) out.push(`${path}:${i + 2} ${code}`);
    });
  }
  return out.sort();
}

const projects = readdirSync(projectsDir).filter((d) => d.startsWith("cross-file-"));

describe("cross-file fixture projects", () => {
  it("exist", () => {
    expect(projects.sort()).toEqual([
      "cross-file-import-root",
      "cross-file-library-names",
      "cross-file-router-wrappers",
      "cross-file-session-attributes",
      "cross-file-session-managers",
      "cross-file-session-sources",
      "cross-file-sessions",
    ]);
  });

  for (const name of projects) {
    it(`${name}: fires exactly on its # ruleid lines`, async () => {
      const files = loadProject(name);
      const result = await scanFiles(files, { select: CODES });
      expect(places(result).sort()).toEqual(expectedPlaces(files));
      expect(result.summary.parseErrors).toEqual([]);
    });
  }

  it("follows a session alias imported absolutely and relatively, and a Depends target two modules away", async () => {
    const result = await scanFiles(loadProject("cross-file-sessions"), { select: ["FAPI002"] });
    expect(places(result)).toEqual([
      "app/api/routes/items.py:12 FAPI002",
      "app/api/routes/items.py:18 FAPI002",
      "app/api/routes/users.py:14 FAPI002",
      "app/api/routes/users.py:21 FAPI002",
      "app/services/aliases.py:14 FAPI002",
      "app/services/aliases.py:21 FAPI002",
      "app/services/reexport.py:6 FAPI002",
    ]);
    const crudCall = result.findings.find((f) => f.file === "app/api/routes/users.py" && f.line === 21);
    expect(crudCall?.message).toContain("`crud.get_users` is given the sync session `db`");
  });

  it("follows sessions from a module-level instance's inherited method, `next(get_db())`, a `.configure()`d factory and sqlmodel's re-exported Session", async () => {
    const result = await scanFiles(loadProject("cross-file-session-sources"), { select: ["FAPI002"] });
    expect(result.findings.map((f) => `${f.file}:${f.line} ${f.message.split(" inside ")[0]}`)).toEqual([
      "app/api/routes.py:15 Sync session call `db.execute`",
      "app/api/routes.py:22 Sync session call `db.scalar`",
      "app/api/routes.py:29 Sync session call `db.scalar`",
      "app/api/routes.py:35 Sync session call `session.exec`",
    ]);
  });

  it("follows sessions out of project context managers: `contextmanager(f)` bound by name, and a method of an instance whose class comes from a return annotation or a parameter", async () => {
    const result = await scanFiles(loadProject("cross-file-session-managers"), { select: ["FAPI002"] });
    expect(result.findings.map((f) => `${f.file}:${f.line} ${f.message.split(" inside ")[0]}`)).toEqual([
      "app/api/reports.py:15 Sync session call `session.execute`",
      "app/api/reports.py:23 Sync session call `db.commit`",
      "app/api/reports.py:30 Sync session call `session.scalar`",
    ]);
  });

  it("follows sessions kept on `self`: assigned in a base class's `__init__` or declared on a base class in another module (generic and cbv-style bases, one re-exported with `from .base import *`)", async () => {
    const result = await scanFiles(loadProject("cross-file-session-attributes"), { select: ["FAPI002"] });
    expect(result.findings.map((f) => `${f.file}:${f.line} ${f.message.split(" inside ")[0]}`)).toEqual([
      "app/repos/orders.py:9 Sync session call `self.session.execute`",
      "app/repos/orders.py:19 Sync session call `self.session.scalar`",
      "app/routes/orders.py:14 `OrderRepository` is given the sync session `self.session`",
      "app/routes/orders.py:16 Sync session call `self.session.scalars`",
    ]);
  });

  it("sees routes declared through a module-level alias of a router method (`get = router.get`)", async () => {
    const files = loadProject("cross-file-session-sources");
    const routes = await withProjectIndex(inlineProject(files).pythonFiles, {}, (index) =>
      index.routes().map((r) => `${r.fn.name}:${r.method}`),
    );
    expect(routes).toContain("status:get");
    expect(routes).toContain("set_status:post");
    expect(routes).toContain("from_store:get");
  });

  it("resolves `app.*` imports in a project scanned from above its import root", async () => {
    const result = await scanFiles(loadProject("cross-file-import-root"), { select: ["FAPI002", "FAPI101"] });
    expect(places(result)).toEqual([
      "backend/app/api/routes/reports.py:16 FAPI002",
      "backend/app/api/routes/reports.py:22 FAPI101",
      "backend/app/api/routes/reports.py:24 FAPI101",
      "backend/app/api/routes/reports.py:31 FAPI101",
      "backend/app/api/routes/reports.py:33 FAPI101",
    ]);
  });

  it("keeps `import redis` the library when the project has its own `app/redis.py`", async () => {
    const result = await scanFiles(loadProject("cross-file-library-names"), { select: ["FAPI002"] });
    expect(result.findings.filter((f) => f.file !== "app/notify.py").map((f) => `${f.file}:${f.line} ${f.message}`)).toEqual([
      "app/legacy.py:7 Sync driver call `redis.Redis` inside `async def get_legacy_cache` blocks the event loop; use its asyncio client (e.g. `create_async_engine`, `redis.asyncio`, `AsyncMongoClient`)",
      "app/legacy.py:9 Sync driver call `redis.StrictRedis` inside `async def get_legacy_cache` blocks the event loop; use its asyncio client (e.g. `create_async_engine`, `redis.asyncio`, `AsyncMongoClient`)",
    ]);
  });

  it("follows project re-exports of library names (`from app.compat import requests, Redis`)", async () => {
    const result = await scanFiles(loadProject("cross-file-library-names"), { select: ["FAPI002", "FAPI101"] });
    expect(result.findings.filter((f) => f.file === "app/notify.py").map((f) => `${f.line} ${f.rule} ${f.message}`)).toEqual([
      "6 FAPI101 Blocking call `requests.post` inside `async def notify`; use `httpx.AsyncClient`",
      "8 FAPI002 Sync driver call `redis.Redis` inside `async def notify` blocks the event loop; use its asyncio client (e.g. `create_async_engine`, `redis.asyncio`, `AsyncMongoClient`)",
    ]);
  });

  it("finds route handlers registered through router wrapper classes", async () => {
    const files = loadProject("cross-file-router-wrappers");
    const project = inlineProject(files);
    const routes = await withProjectIndex(project.pythonFiles, {}, (index) =>
      index.routes().map((r) => `${r.module.file.path}:${r.fn.name}:${r.method}`),
    );
    expect(routes.sort()).toEqual([
      "app/controllers/items.py:health:get",
      "app/controllers/items.py:list_items:get",
      "app/controllers/items.py:ping:api_route",
      "app/controllers/users.py:get_user:add_api_route",
      "app/controllers/users.py:list_users:add_api_route",
      "app/controllers/versioned.py:dynamic:add_api_route",
      "app/controllers/versioned.py:echo:post",
      "app/controllers/versioned.py:status:get",
      "app/controllers/views.py:list_reports:get",
      "app/controllers/views.py:typed:get",
    ]);
  });
});
