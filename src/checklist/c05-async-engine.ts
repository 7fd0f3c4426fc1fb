import { basename } from "node:path";
import type { SyntaxNode as Node } from "../python/flat-tree.js";
import { type ClassInfo, factsOf } from "../python/module.js";
import type { ProjectIndex } from "../python/project-index.js";
import { callArguments, isSampleDataPath, unparen } from "../python/syntax.js";
import { isScriptModule } from "../rules/fapi001-scopes.js";
import { at, count, itemResult, listed } from "./evidence.js";
import { runsUnderAlembic } from "./project-facts.js";
import type { CallSite } from "./project-facts.js";
import type { AuditContext, ChecklistItemResult, Evidence } from "./types.js";

const ASYNC_ENGINES = new Set([
  "sqlalchemy.ext.asyncio.create_async_engine",
  "sqlalchemy.ext.asyncio.engine.create_async_engine",
  "sqlalchemy.ext.asyncio.async_engine_from_config",
  "sqlalchemy.ext.asyncio.engine.async_engine_from_config",
]);
const SYNC_ENGINES = new Set([
  "sqlalchemy.create_engine",
  "sqlalchemy.engine.create_engine",
  "sqlalchemy.engine.create.create_engine",
  "sqlalchemy.engine_from_config",
  "sqlalchemy.engine.engine_from_config",
  "sqlmodel.create_engine",
  "sqlmodel.engine.create.create_engine",
]);
const NULL_POOL = /(^|\.)NullPool$/;
/**
 * Libraries that build the engine from a config object: Advanced Alchemy's `SQLAlchemyAsyncConfig(...)` and
 * `SQLAlchemySyncConfig(...)`, and sqlalchemy-bind-manager's `SQLAlchemyConfig(engine_url=..., async_engine=True)`
 * (sync unless `async_engine=True`).
 */
const ADVANCED_ALCHEMY = /^advanced_alchemy(\.\w+)*\.SQLAlchemy(Async|Sync)Config$/;
const BIND_MANAGER = /^sqlalchemy_bind_manager(\.\w+)*\.SQLAlchemyConfig$/;

/** Whether a call builds an engine through a library's config: "async", "sync", or null when it does not. */
function libraryEngine(c: CallSite): "async" | "sync" | null {
  if (c.q === null) return null;
  const aa = ADVANCED_ALCHEMY.exec(c.q);
  if (aa) return aa[2] === "Async" ? "async" : "sync";
  if (!BIND_MANAGER.test(c.q)) return null;
  return callArguments(c.call).keywords.get("async_engine")?.text === "True" ? "async" : "sync";
}
/** `AsyncEngine(create_engine(url))`: SQLModel's older docs wrap a sync-built engine for an async driver. */
const ASYNC_ENGINE_WRAPPER = /^(sqlalchemy|sqlmodel)\.ext\.asyncio(\.\w+)*\.AsyncEngine$/;

/**
 * C05 "SQLAlchemy Async Engine configured": `create_async_engine` is called, and there is no sync `create_engine`
 * (SQLAlchemy's or SQLModel's, `engine_from_config` too) and no `poolclass=NullPool` outside test and docs code and
 * Alembic's `env.py`. Not applicable when the project does not use SQL (RULES.md).
 * Decisions: Alembic's files are those only the `alembic` command runs (`runsUnderAlembic`: env.py, revisions and
 * migration folders; env.py is also allowed by name), so a stray migration script does not count as the app's
 * engine, while a server module that imports `alembic.command` to migrate at startup does; nor do the helpers beside
 * them (agenta's `migrations/core/data_migrations/*.py`, which the revisions call), command-line scripts (as FAPI001
 * and C09 define them: polar's `scripts/db.py` creates and drops the database), documentation, seeds and fixtures
 * (the folders FAPI003 treats as sample data); `AsyncEngine(create_engine(url))` (SQLModel's older async
 * recipe) is an async engine, and the `create_engine` it wraps is not a sync one; so is an engine a library builds
 * from its config (`libraryEngine`).
 */
/**
 * Project subclasses of SQLAlchemy's `AsyncEngine` (backend.ai's `ExtendedAsyncSAEngine(SAEngine)`), through project
 * base classes: constructing one around a sync engine makes an async engine, as `AsyncEngine(...)` does.
 */
function asyncEngineSubclasses(index: ProjectIndex): Set<ClassInfo> {
  const out = new Set<ClassInfo>();
  const isSub = (cls: ClassInfo, depth: number): boolean =>
    depth < 8 &&
    cls.bases.some((b) => {
      const q = index.qualify(cls.module, b);
      if (q && ASYNC_ENGINE_WRAPPER.test(q)) return true;
      const base = index.classFor(cls.module, b);
      return !!base && base !== cls && isSub(base, depth + 1);
    });
  for (const mod of index.modules) {
    if (!mod.file.content.includes("AsyncEngine")) continue;
    for (const cls of mod.classes) if (isSub(cls, 0)) out.add(cls);
  }
  // A subclass of a subclass may live in a module that never names AsyncEngine: follow the names found so far.
  const names = new Set([...out].map((c) => c.name));
  for (let grew = out.size > 0; grew; ) {
    grew = false;
    for (const mod of index.modules) {
      for (const cls of mod.classes) {
        if (out.has(cls) || !cls.bases.some((b) => names.has(b.text.slice(b.text.lastIndexOf(".") + 1)))) continue;
        if (cls.bases.some((b) => { const base = index.classFor(cls.module, b); return !!base && out.has(base); })) {
          out.add(cls);
          names.add(cls.name);
          grew = true;
        }
      }
    }
  }
  return out;
}

/**
 * The sync engine call an async wrapper is built around: `AsyncEngine(create_engine(url))`, or a name the wrapper's
 * scope bound to one (`sync_engine = create_engine(url)`, then `ExtendedAsyncSAEngine(sync_engine)`).
 */
function wrappedEngine(c: CallSite, arg: Node): number[] {
  const a = unparen(arg);
  if (a.type === "call") return [a.id];
  if (a.type !== "identifier") return [];
  const out: number[] = [];
  for (const fact of factsOf(c.fact.scope).assignments) {
    const left = fact.node.childForFieldName("left");
    const right = fact.node.childForFieldName("right");
    if (left?.type === "identifier" && left.text === a.text && right && unparen(right).type === "call") out.push(unparen(right).id);
  }
  return out;
}

export function checkC05(ctx: Pick<AuditContext, "facts" | "persona">): ChecklistItemResult {
  const { facts } = ctx;
  const sql = facts.sqlImport;
  if (!sql) return itemResult(ctx, "C05", "not_applicable", [{ note: "the project does not import sqlalchemy or sqlmodel outside test and docs code" }], null);
  const inApp = (c: CallSite) =>
    !runsUnderAlembic(c.module) && basename(c.module.file.path) !== "env.py" && !isSampleDataPath(c.module.file.path) && !isScriptModule(facts.index, c.module);
  const subclasses = asyncEngineSubclasses(facts.index);
  const isWrapper = (c: CallSite) => {
    if (c.q !== null && ASYNC_ENGINE_WRAPPER.test(c.q)) return true;
    if (subclasses.size === 0) return false;
    const callee = c.call.childForFieldName("function");
    const last = callee?.type === "attribute" ? callee.childForFieldName("attribute")?.text : callee?.text;
    if (!last || ![...subclasses].some((cls) => cls.name === last)) return false;
    const cls = facts.index.classFor(c.module, callee);
    return !!cls && subclasses.has(cls);
  };
  const wrappers = facts.calls.filter((c) => isWrapper(c) && inApp(c));
  const wrapped = new Set(wrappers.flatMap((c) => callArguments(c.call).positional.flatMap((a) => wrappedEngine(c, a))));
  const libraryConfigs = facts.calls.flatMap((c) => {
    const kind = libraryEngine(c);
    return kind && inApp(c) ? [{ c, kind }] : [];
  });
  const asyncEngines = [
    ...facts.callsTo(ASYNC_ENGINES).filter(inApp),
    ...wrappers.filter((c) => callArguments(c.call).positional.length > 0),
    ...libraryConfigs.filter((l) => l.kind === "async").map((l) => l.c),
  ];
  const syncEngines = [
    ...facts.callsTo(SYNC_ENGINES).filter((c) => inApp(c) && !wrapped.has(c.call.id)),
    ...libraryConfigs.filter((l) => l.kind === "sync").map((l) => l.c),
  ];
  // Only files that mention NullPool can pass it: skips walking every call's arguments.
  const mentions = new Set(facts.index.modules.filter((m) => m.file.content.includes("NullPool")));
  const nullPools = facts.calls.filter((c) => mentions.has(c.module) && inApp(c)).flatMap((c) => {
    const pool = c.call.childForFieldName("arguments")?.namedChildren.find(
      (a) => a?.type === "keyword_argument" && a.childForFieldName("name")?.text === "poolclass",
    );
    const value = pool?.childForFieldName("value");
    return pool && value && NULL_POOL.test(facts.index.qualify(c.module, value) ?? value.text) ? [at(c.module, pool, `\`${pool.text}\`: a new connection per checkout, no pooling`)] : [];
  });

  const evidence: Evidence[] = [{ ...sql, note: `uses SQL: ${sql.note}` }];
  if (asyncEngines[0]) evidence.push(at(asyncEngines[0].module, asyncEngines[0].call, `async engine: \`${withArgs(calleeText(asyncEngines[0]))}\``));
  else evidence.push({ note: "no `create_async_engine(...)` call outside test and docs code" });
  if (syncEngines.length > 0) {
    evidence.push(...listed(`${count(syncEngines.length, "sync engine")} outside tests and Alembic`, syncEngines.map((c) => at(c.module, c.call, `sync \`${calleeText(c)}(...)\``)), "sync engines"));
  }
  if (nullPools.length > 0) evidence.push(...listed(`${count(nullPools.length, "engine")} without a pool`, nullPools, "NullPool engines"));

  const failing = asyncEngines.length === 0 || syncEngines.length > 0 || nullPools.length > 0;
  return itemResult(ctx, "C05", failing ? "fail" : "pass", evidence, {
    quotes: [{ antiPattern: "Sync DB Calls" }, { decision: "Data Layer" }],
    nextStep:
      'create the engine with `create_async_engine("postgresql+asyncpg://...", pool_pre_ping=True)`, make sessions with ' +
      "`async_sessionmaker(engine, expire_on_commit=False)`, and keep a sync engine only in Alembic's env.py or tests.",
  });
}

function calleeText(c: CallSite): string {
  const callee = c.call.childForFieldName("function")?.text ?? "create_engine";
  if (!c.q || !ASYNC_ENGINE_WRAPPER.test(c.q)) return callee;
  const inner = callArguments(c.call).positional[0];
  const innerCallee = inner && unparen(inner).type === "call" ? unparen(inner).childForFieldName("function")?.text : null;
  return innerCallee ? `${callee}(${innerCallee}(...))` : callee;
}

/** `create_async_engine` becomes `create_async_engine(...)`; a wrapper text already shows its arguments. */
function withArgs(text: string): string {
  return text.endsWith(")") ? text : `${text}(...)`;
}
