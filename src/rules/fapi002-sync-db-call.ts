import type { SyntaxNode as Node } from "../python/flat-tree.js";
import type { ModuleInfo, Scope } from "../python/module.js";
import type { ProjectIndex } from "../python/project-index.js";
import { SYNC_SESSION_TYPES, SYNC_SESSION_VALUES, SYNC_SESSIONMAKERS } from "../python/names.js";
import { callArguments, unparen } from "../python/syntax.js";
import type { Rule, RuleHit } from "./types.js";
import { calleeText, inAsyncDef, loopCalls } from "./fapi101-async-scope.js";

/** Session methods that talk to the database (RULES.md FAPI002 case 1). */
const QUERY_METHODS = new Set(["execute", "exec", "query", "get", "scalar", "scalars", "commit", "rollback", "flush", "refresh", "merge"]);

/** Sync driver entry points (case 2), with the module paths they are re-exported under. */
const SYNC_DRIVERS = new Set([
  "sqlalchemy.create_engine",
  "sqlalchemy.engine.create_engine",
  "sqlmodel.create_engine",
  "sqlite3.connect",
  "psycopg2.connect",
  "psycopg.connect",
  "psycopg.Connection.connect",
  "pymysql.connect",
  "MySQLdb.connect",
  "mysql.connector.connect",
  "pymongo.MongoClient",
  "pymongo.mongo_client.MongoClient",
  "redis.Redis",
  "redis.StrictRedis",
  "redis.client.Redis",
  "redis.from_url",
  "redis.Redis.from_url",
  "redis.StrictRedis.from_url",
]);

/**
 * Callables that receive a session without running a query with it: builtins (`print`, `isinstance`, `id`),
 * logging, `typing.cast`, `functools.partial` (only binds it; the call that runs it is checked where it happens).
 */
const INERT_MODULES = ["builtins.", "logging.", "typing.", "typing_extensions.", "functools.", "structlog.", "loguru."];
const LOG_METHODS = new Set(["debug", "info", "warning", "warn", "error", "exception", "critical", "log", "trace", "success"]);

export const fapi002: Rule = {
  code: "FAPI002",
  name: "sync-db-call",
  antiPattern: "Sync DB Calls",
  source: "anti-pattern",
  severity: "error",
  message: "Sync database call inside `async def`: it blocks the event loop, stalling every other request until the query returns",
  fix: "`AsyncSession`: use `create_async_engine` and `async_sessionmaker`, depend on an `AsyncSession` and `await` its calls (or make the handler a plain `def` so FastAPI runs it in the thread pool).",
  docs: {
    what:
      "Flags, in the own scope of an `async def` (nested def/lambda/class bodies excluded; calls handed uncalled to `run_in_threadpool`, `asyncio.to_thread`, `anyio.to_thread.run_sync`, `run_in_executor` or `add_task` excluded): " +
      "(1) `execute exec query get scalar scalars commit rollback flush refresh merge` called on a sync session (`sqlalchemy.orm.Session`/`sqlmodel.Session`, known from a parameter's annotation, a project type alias such as `SessionDep = Annotated[Session, Depends(get_db)]`, a `Depends(f)` whose project function `f` yields or returns a sync session, a local bound by a `sessionmaker(...)`/`scoped_session(...)` result, `Session(engine)`, `with Session(engine) as s`, or `with get_db() as s` where `get_db` is a project context manager yielding one, whether decorated with `@contextmanager` or bound as `get_db = contextmanager(get_session)`; also FastAPI-SQLAlchemy's `db.session`, the request's sync session its middleware sets), in any module of the project, and the same methods called on a `scoped_session(...)` registry itself (`Session.query(...)`: it proxies them to the current session); " +
      "(2) sync driver entry points: `create_engine`, `sqlite3.connect`, `psycopg2.connect`, `psycopg.connect`, `pymysql.connect`, `MySQLdb.connect`, `mysql.connector.connect`, `pymongo.MongoClient`, `redis.Redis`, `redis.StrictRedis`, `redis.from_url` (resolved through imports and aliases, so `redis.asyncio.Redis` and a project module named `redis` do not match); " +
      "(3) a call that is not awaited and passes a sync session as an argument (`crud.get_users(db)`, `UserService(db)`), since the callee runs its queries on the event loop. " +
      "Decisions where RULES.md is silent: an awaited session method does not fire (the session is then really an async one, whatever its annotation says); case 3 skips calls of session methods themselves (case 1 covers them), calls of a project `async def` (calling it only creates a coroutine: its own body is checked where it is defined), " +
      "builtins (`print`, `isinstance`, `len`, `id`, `repr`, `type`...), logging calls and `functools.partial`/`typing.cast`, none of which run a query. Constructing a project class with the session (`UserRepository(db)`) fires: the object exists to query with it on the loop. " +
      "A session held in an attribute (`self.session`, `cls.session`) is followed inside the methods of its class: its tag is what the class binds to that name, a class-level declaration (`session: Session`, `session: Session = Depends(get_db)`) or else every `self.session = ...` in its methods (the value read in that method, e.g. an `__init__` parameter annotated `Session`, `SessionLocal()`), also from project base classes; bindings that disagree or cannot be followed give no session. The same holds one object further: `repo.session` and `self.repo.session`, where `repo` is a parameter annotated with a project class (also through `Annotated[...]` or an alias), a local bound by its constructor, or what the enclosing class binds `self.repo` to; and for Starlette state (`request.state.db = SessionLocal()` in a middleware, `app.state.X` in a lifespan), whose tag is what every assignment to that slot agrees on. Test code (`tests/`, `test_*.py`, `conftest.py`...) is not checked: async tests often read the database through a sync session on purpose, and blocking a test's own event loop harms no user. Command-line scripts are not checked either (the same test FAPI001 uses: in a `scripts/`-like folder or a task runner's file, with a `#!` line, an `if __name__ == \"__main__\":` block, a module-level `sys.exit`, `asyncio.run` or loop, defining no app, router or route, starting no server, and imported by nothing but other scripts and tests): their `async def main()` blocks only its own run; nor are database migrations (`migrations/`, Alembic `versions/`), which the `alembic` command runs.",
    why:
      "SQLAlchemy's `Session` does network I/O synchronously. Inside `async def` that I/O runs on the event loop thread, so while one query waits on the database no other request, websocket or background task of the worker makes progress; under load latency grows with every concurrent request. A sync `def` handler is fine: FastAPI runs it in a thread pool.",
    example:
      "from fastapi import APIRouter, Depends\nfrom sqlalchemy.orm import Session\n\nfrom app.db import get_db\nfrom app.models import User\n\nrouter = APIRouter()\n\n\n@router.get(\"/users\")\nasync def list_users(db: Session = Depends(get_db)):\n    return db.query(User).all()",
    instead:
      "from fastapi import APIRouter, Depends\nfrom sqlalchemy import select\nfrom sqlalchemy.ext.asyncio import AsyncSession\n\nfrom app.db import get_async_db\nfrom app.models import User\n\nrouter = APIRouter()\n\n\n@router.get(\"/users\")\nasync def list_users(db: AsyncSession = Depends(get_async_db)):\n    result = await db.execute(select(User))\n    return result.scalars().all()",
  },
  check({ index }) {
    const hits: RuleHit[] = [];
    const sessions = mayHoldSyncSession(index);
    // Awaited calls are not among the loop calls: an awaited session method means the session is really an async
    // one, and the other cases need a call that runs synchronously.
    for (const { module, fn, scope, call } of loopCalls(index)) {
      const callee = call.childForFieldName("function");
      if (!callee) continue;
      const method = callee.type === "attribute" ? (callee.childForFieldName("attribute")?.text ?? "") : "";
      // A method of the session itself is case 1 or nothing: it is neither a driver call nor a callee the session
      // is handed to. Worked out only when it decides something, since it follows the receiver through the index.
      let onSession: boolean | undefined;
      const sessionMethod = () => (onSession ??= sessions && callee.type === "attribute" && isSessionReceiver(index, module, scope, callee, method));
      if (QUERY_METHODS.has(method) && sessionMethod()) {
        hits.push({ module, node: call, message: `Sync session call \`${calleeText(call)}\` inside ${inAsyncDef(fn)} blocks the event loop; use an \`AsyncSession\` and \`await\` it` });
        continue;
      }
      const qualified = index.qualify(module, callee);
      const q = qualified && index.canonical(qualified, module);
      if (q && SYNC_DRIVERS.has(q)) {
        if (!sessionMethod()) {
          hits.push({ module, node: call, message: `Sync driver call \`${q}\` inside ${inAsyncDef(fn)} blocks the event loop; use its asyncio client (e.g. \`create_async_engine\`, \`redis.asyncio\`, \`AsyncMongoClient\`)` });
        }
        continue;
      }
      if (!sessions) continue;
      // Builtins and logging calls never fire whatever they are given: do not read their arguments.
      if (isInertCallee(index, module, scope, callee, q, false)) continue;
      const args = callArguments(call);
      const session = [...args.positional, ...args.keywords.values()].find((a) => isSyncSession(index, module, scope, a));
      // `tasks.add_task(crud.cleanup, db)`: the session goes to a callable that runs off the loop.
      if (session && !index.isOffloaded(module, session, scope) && !isInertCallee(index, module, scope, callee, q) && !sessionMethod()) {
        hits.push({
          module,
          node: call,
          message: `\`${calleeText(call)}\` is given the sync session \`${session.text}\` inside ${inAsyncDef(fn)}: its queries run on the event loop; pass an \`AsyncSession\` and \`await\` async queries`,
        });
      }
    }
    return hits;
  },
};

/**
 * Every sync session starts from `Session`, `sessionmaker` or `scoped_session` imported from SQLAlchemy or SQLModel
 * (or FastAPI-SQLAlchemy's `db.session`) somewhere in the project: a tag comes only from a qualified name, and a
 * qualified name outside the project only from an import. So either some module imports one of them by name (aliases and re-exports included: the first
 * import still names it), or imports a package above them (`import sqlalchemy as sa`) while some module reaches
 * them by attribute (`sa.orm.Session`). A project with neither, like a fully async one, holds no sync session:
 * skip following every call's receiver and arguments through the index.
 */
const SYNC_SOURCES = [...SYNC_SESSION_TYPES, ...SYNC_SESSIONMAKERS, ...SYNC_SESSION_VALUES];
const sessionHintMemo = new WeakMap<ProjectIndex, boolean>();

function mayHoldSyncSession(index: ProjectIndex): boolean {
  let may = sessionHintMemo.get(index);
  if (may !== undefined) return may;
  const modules = index.modules.filter((m) => !m.isTest);
  // Last segments reachable by attribute from an imported package (`sa` -> `sa.orm.Session`), found in one pass.
  const reachable = new Set<string>();
  may = false;
  for (const m of modules) {
    for (const b of m.imports.values()) {
      if (SYNC_SOURCE_SET.has(b.target)) may = true;
      for (const last of SYNC_BELOW.get(b.target) ?? []) reachable.add(last);
    }
  }
  if (!may && reachable.size > 0) {
    const attribute = new RegExp(`\\.\\s*(?:${[...reachable].join("|")})\\b`);
    may = modules.some((m) => attribute.test(m.file.content));
  }
  sessionHintMemo.set(index, may);
  return may;
}

const SYNC_SOURCE_SET = new Set(SYNC_SOURCES);
/** Every package path above a sync source, with the last segments of the sources below it. */
const SYNC_BELOW = new Map<string, string[]>();
for (const source of SYNC_SOURCES) {
  const parts = source.split(".");
  for (let i = 1; i < parts.length; i++) {
    const prefix = parts.slice(0, i).join(".");
    SYNC_BELOW.set(prefix, [...(SYNC_BELOW.get(prefix) ?? []), parts[parts.length - 1]!]);
  }
}

function isSyncSession(index: ProjectIndex, mod: ModuleInfo, scope: Scope, node: Node | null): boolean {
  if (!node) return false;
  const n = unparen(node);
  // Only names and attribute chains hold a session to pass around; `f(db.query(X))` is case 1 on the inner call.
  if (n.type !== "identifier" && n.type !== "attribute") return false;
  return index.valueTag(mod, scope, n) === "sync-session";
}

/**
 * Whether a method call's object is a sync session, or a `scoped_session(...)` registry called with a query method
 * (`Session.query(...)`: the registry proxies the session's methods to the session of the current thread). A plain
 * `sessionmaker` shares the registry's tag but has none of the query methods, so such a call can only be the proxy.
 */
function isSessionReceiver(index: ProjectIndex, mod: ModuleInfo, scope: Scope, callee: Node, method: string): boolean {
  const obj = callee.childForFieldName("object");
  if (!obj) return false;
  const n = unparen(obj);
  if (n.type !== "identifier" && n.type !== "attribute") return false;
  const tag = index.valueTag(mod, scope, n);
  return tag === "sync-session" || (tag === "sync-sessionmaker" && QUERY_METHODS.has(method));
}

/**
 * Calls that take a session without querying through it (see the docs' decisions). `projectAsync: false` leaves
 * out the costlier lookup of a project `async def`, for a first cheap check.
 */
function isInertCallee(index: ProjectIndex, mod: ModuleInfo, scope: Scope, callee: Node, q: string | null, projectAsync = true): boolean {
  if (q && INERT_MODULES.some((m) => q.startsWith(m))) return true;
  if (callee.type === "attribute") {
    const method = callee.childForFieldName("attribute")?.text ?? "";
    const obj = callee.childForFieldName("object");
    if (LOG_METHODS.has(method) && obj && /log/i.test(obj.text)) return true;
  }
  if (!projectAsync) return false;
  const fn = index.functionFor(mod, callee, scope);
  return !!fn && fn.isAsync;
}
