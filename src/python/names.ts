/** Qualified names the analysis recognises, grouped by meaning. Aliased re-export paths are listed too. */

export const SYNC_SESSION_TYPES = new Set([
  "sqlalchemy.orm.Session",
  "sqlalchemy.orm.session.Session",
  "sqlmodel.Session",
  "sqlmodel.orm.session.Session",
  // sqlmodel's asyncio module re-exports the sync Session next to AsyncSession; projects import both from it.
  "sqlmodel.ext.asyncio.session.Session",
  "sqlalchemy.orm.scoping.scoped_session",
  "sqlalchemy.orm.scoped_session",
]);

/**
 * Library globals that are the current request's sync session: FastAPI-SQLAlchemy's `db.session`, set by its
 * `DBSessionMiddleware` (`from fastapi_sqlalchemy import db`).
 */
export const SYNC_SESSION_VALUES = new Set(["fastapi_sqlalchemy.db.session", "fastapi_sqlalchemy.middleware.db.session"]);

export const ASYNC_SESSION_TYPES = new Set([
  "sqlalchemy.ext.asyncio.AsyncSession",
  "sqlalchemy.ext.asyncio.session.AsyncSession",
  "sqlmodel.ext.asyncio.session.AsyncSession",
  "sqlalchemy.ext.asyncio.async_scoped_session",
]);

export const SYNC_SESSIONMAKERS = new Set([
  "sqlalchemy.orm.sessionmaker",
  "sqlalchemy.orm.session.sessionmaker",
  "sqlalchemy.orm.scoped_session",
  "sqlalchemy.orm.scoping.scoped_session",
]);

export const ASYNC_SESSIONMAKERS = new Set([
  "sqlalchemy.ext.asyncio.async_sessionmaker",
  "sqlalchemy.ext.asyncio.session.async_sessionmaker",
  "sqlalchemy.ext.asyncio.async_scoped_session",
]);

export const REQUESTS_SESSION_TYPES = new Set(["requests.Session", "requests.sessions.Session", "requests.session"]);
export const HTTPX_CLIENT_TYPES = new Set(["httpx.Client"]);

export const ANNOTATED = new Set(["typing.Annotated", "typing_extensions.Annotated"]);
export const OPTIONAL = new Set(["typing.Optional", "typing_extensions.Optional"]);
export const UNION = new Set(["typing.Union", "typing_extensions.Union"]);

export const MODEL_BASES = new Set([
  "pydantic.BaseModel",
  "pydantic.main.BaseModel",
  "pydantic.RootModel",
  "pydantic.root_model.RootModel",
  "sqlmodel.SQLModel",
  "sqlmodel.main.SQLModel",
  "pydantic_settings.BaseSettings",
]);

/** Callables that run their callable argument off the event loop (RULES.md "Offloaded"). */
export const OFFLOAD_CALLS = new Set([
  "starlette.concurrency.run_in_threadpool",
  "fastapi.concurrency.run_in_threadpool",
  "asyncio.to_thread",
  "anyio.to_thread.run_sync",
  "asyncer.asyncify",
]);
/** Method names that offload whatever object they are called on (`loop.run_in_executor`, `tasks.add_task`). */
export const OFFLOAD_METHODS = new Set(["run_in_executor", "add_task", "run_sync", "to_thread"]);

export const HTTP_ROUTE_METHODS = new Set(["get", "post", "put", "patch", "delete", "options", "head", "trace", "api_route"]);
export const WEBSOCKET_ROUTE_METHODS = new Set(["websocket", "websocket_route"]);

/** Builtins the rules ask about, so `open(...)` qualifies to `builtins.open` unless shadowed. */
export const BUILTIN_NAMES = new Set([
  "open", "dict", "list", "set", "tuple", "len", "isinstance", "any", "all", "print", "int", "str", "float",
  "bool", "bytes", "min", "max", "sum", "sorted", "abs", "round", "type", "object", "Exception", "ValueError",
  "range", "enumerate", "zip", "map", "filter", "getattr", "hasattr", "callable", "repr", "iter", "next",
  "frozenset", "bytearray", "super", "id", "hash", "format", "divmod", "pow", "chr", "ord", "hex", "oct", "bin",
  "reversed", "slice", "vars", "NotImplementedError", "KeyError", "TypeError", "RuntimeError",
]);

/**
 * Top-level names of libraries the rules recognise. An import of one of these is the library even when the
 * project has a module of the same name deeper in its tree (`app/redis.py` does not shadow `import redis`).
 */
export const EXTERNAL_TOP_LEVEL = new Set([
  "requests", "httpx", "time", "os", "io", "subprocess", "smtplib", "urllib", "urllib3", "pathlib", "asyncio",
  "anyio", "aiofiles", "aiohttp", "sqlalchemy", "sqlmodel", "sqlite3", "psycopg2", "psycopg", "pymysql",
  "MySQLdb", "mysql", "pymongo", "motor", "redis", "fastapi", "starlette", "pydantic", "pydantic_settings",
  "typing", "typing_extensions", "collections", "jwt", "jose", "structlog", "loguru", "logging", "json",
  "re", "http", "databases", "asyncpg", "aiosqlite", "secrets", "builtins", "functools", "contextlib",
  "dataclasses", "enum", "datetime", "uuid", "decimal", "math", "string", "shutil", "tempfile", "socket",
]);

/** DB-API `connect` functions (RULES.md FAPI001 (3)): each call opens a connection. */
export const CONNECT_CALLS = new Set([
  "sqlite3.connect",
  "psycopg2.connect",
  "psycopg.connect",
  "pymysql.connect",
  "MySQLdb.connect",
  "mysql.connector.connect",
]);

/** Types that say "some mapping" or "anything": a value typed so is not validated by a schema. */
export const MAPPING_OR_ANY_TYPES = new Set([
  "builtins.dict",
  "typing.Dict",
  "typing.Mapping",
  "typing.MutableMapping",
  "collections.abc.Mapping",
  "collections.abc.MutableMapping",
  "typing.Any",
  "typing_extensions.Any",
]);
