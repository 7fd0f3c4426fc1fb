import { describe, expect, it } from "vitest";
import { auditProject } from "../../src/checklist/audit.js";
import { UserError } from "../../src/core/errors.js";
import { auditFiles, auditFixture, fastapiPro, inlineProject, item, lines } from "./helpers.js";

describe("a project that meets the checklist (audit-good)", () => {
  it("passes all ten items, each saying what it saw", async () => {
    const r = await auditFixture("audit-good");
    expect(r.items.map((i) => `${i.id} ${i.status}`)).toEqual([
      "C01 pass", "C02 pass", "C03 pass", "C04 pass", "C05 pass", "C06 pass", "C07 pass", "C08 pass", "C09 pass", "C10 pass",
    ]);
    expect(r.items.every((i) => i.fix === undefined)).toBe(true);
    expect(r.summary).toEqual({ pass: 10, fail: 0, notApplicable: 0, filesScanned: 17, parseErrors: [], skipped: [], truncatedReason: null });
    expect(r.items.map((i) => i.item)).toEqual([
      "All routes async (where appropriate)",
      "Pydantic Schemas for Request/Response",
      "Dependency Injection used for testability",
      "OpenAPI docs verified (/docs)",
      "SQLAlchemy Async Engine configured",
      "Alembic migrations versions tracked",
      "CORS Middleware configured",
      "Gzip Middleware enabled",
      "Structured Logging",
      "Dockerfile optimized (multi-stage)",
    ]);
  });

  it("C02 counts the 204 route as exempt; C04 finds tags given at include_router in another module", async () => {
    const r = await auditFixture("audit-good");
    expect(lines(item(r, "C02"))).toEqual([
      "pass",
      "every request body (2) is a Pydantic model",
      "every HTTP route (3) declares a response model or return type",
      "1 route is exempt: status 204, a returned `Response`, or a non-JSON response class",
    ]);
    // Trap: docs disabled only in production is not "disabled".
    expect(lines(item(r, "C04"))).toEqual([
      "pass",
      "app/main.py:12 `FastAPI(...)` sets title and description",
      'app/main.py:15 docs switched by configuration (`None if settings.is_production else "/openapi.json"`): served where enabled',
      "every HTTP route (4) has tags",
      "every HTTP route (4) has a summary, description or docstring",
      "tests/test_docs.py:10 a test fetches `/openapi.json`",
    ]);
  });

  it("C05 allows NullPool and the engine in Alembic's env.py; C06 resolves %(here)s", async () => {
    const r = await auditFixture("audit-good");
    expect(lines(item(r, "C05"))).toEqual([
      "pass",
      "app/api/books.py:4 uses SQL: imports sqlalchemy",
      "app/db.py:7 async engine: `create_async_engine(...)`",
    ]);
    expect(lines(item(r, "C06"))).toEqual([
      "pass",
      "alembic.ini:3 script_location `migrations`; env.py present; 1 revision in migrations/versions",
      "migrations/versions/3f1c2a9b7d10_create_books.py a tracked revision",
    ]);
  });

  it("C09 and C10 name the renderer, the builder stage, the user and the base", async () => {
    const r = await auditFixture("audit-good");
    expect(lines(item(r, "C09"))).toEqual(["pass", "app/logging_setup.py:8 `structlog.configure(...)`", "app/logging_setup.py:13 renders with `JSONRenderer`"]);
    expect(lines(item(r, "C10"))).toEqual([
      "pass",
      "Dockerfile:9 builds the Python app in 2 stages: `builder` (`python:3.12-slim`, line 2), the final stage (`python:3.12-slim`, line 9)",
      "Dockerfile:12 the final stage copies `/srv/.venv` from `builder`, which installs Python packages (line 4)",
      "Dockerfile:15 runs as non-root `USER bookshelf`",
      "Dockerfile:9 slim final base `python:3.12-slim`",
    ]);
  });
});

describe("a project that misses every item (audit-bad)", () => {
  it("fails all ten, each with the persona's words and a next step", async () => {
    const r = await auditFixture("audit-bad");
    expect(r.items.map((i) => `${i.id} ${i.status}`)).toEqual([
      "C01 fail", "C02 fail", "C03 fail", "C04 fail", "C05 fail", "C06 fail", "C07 fail", "C08 fail", "C09 fail", "C10 fail",
    ]);
    expect(item(r, "C01").fix).toMatch(/^The persona says: "Async First: Default to async\."\. Next step: make these handlers `async def`/);
    expect(item(r, "C02").fix).toMatch(/^The persona says: "Explicit Validation: Strict Pydantic types\.", "Return Dicts -> Return Pydantic Models"\. Next step: /);
    expect(item(r, "C03").fix).toMatch(/^The persona says: "Global State -> `Depends\(\)`", "Dependency Injection: `Depends\(get_db\)`\."\. Next step: /);
    expect(item(r, "C05").fix).toMatch(/^The persona says: "Sync DB Calls -> `AsyncSession`", "Data Layer: SQLAlchemy 2\.0 \(Async\), Alembic\."\. Next step: /);
    expect(item(r, "C10").fix).toMatch(/^The persona says: "Deployment: Docker \(Distroless\), K8s\."\. Next step: /);
    expect(r.items.every((i) => i.fix && i.fix.includes("Next step: "))).toBe(true);
  });

  it("C01 lists each sync handler", async () => {
    expect(lines(item(await auditFixture("audit-bad"), "C01"))).toEqual([
      "fail",
      "3 of 4 route handlers are sync `def` (FastAPI runs each in its thread pool): app/main.py:14, app/routers/orders.py:12, app/routers/orders.py:22",
      "app/main.py:14 sync `def health`",
      "app/routers/orders.py:12 sync `def list_orders`",
      "app/routers/orders.py:22 sync `def create_order`",
    ]);
  });

  it("C02 flags a dict body, a raw request.json() and routes without a response model", async () => {
    const c02 = lines(item(await auditFixture("audit-bad"), "C02"));
    expect(c02.slice(0, 4)).toEqual([
      "fail",
      "2 of 2 request bodies are not a Pydantic model: app/routers/orders.py:22, app/routers/orders.py:29",
      "app/routers/orders.py:22 body `payload: dict` in `create_order` is `dict`, not a model",
      "app/routers/orders.py:29 `update_cart` reads the raw body with `await request.json()`",
    ]);
    expect(c02).toContain("app/routers/orders.py:12 `list_orders` has neither `response_model=` nor a return annotation");
  });

  it("C03 reports global state (FAPI001) and a handler opening its own session", async () => {
    expect(lines(item(await auditFixture("audit-bad"), "C03"))).toEqual([
      "fail",
      "no `Depends(...)` or `Security(...)` outside test and docs code",
      "1 global-state finding (FAPI001): app/routers/orders.py:8",
      "app/routers/orders.py:8 FAPI001: Module-level container `carts` is mutated at run time (item assignment in `update_cart()`): one copy per worker process, shared by every request on it",
      "1 route handler call opening a session or connection instead of receiving it: app/routers/orders.py:13",
      "app/routers/orders.py:13 `list_orders` opens its own session: `SessionLocal()`",
    ]);
  });

  it("C04 reports the missing title, docs turned off for good, untagged and undescribed routes", async () => {
    const c04 = lines(item(await auditFixture("audit-bad"), "C04"));
    expect(c04.slice(0, 3)).toEqual([
      "fail",
      "app/main.py:9 `FastAPI(...)` sets no title and no description",
      "app/main.py:9 docs disabled unconditionally: `docs_url=None, redoc_url=None`",
    ]);
    expect(c04).toContain("4 of 4 HTTP routes have no tags: app/main.py:14, app/routers/orders.py:12, app/routers/orders.py:22, app/routers/orders.py:28");
    expect(c04).toContain("app/routers/orders.py:28 `update_cart` has no summary, description or docstring");
  });

  it("C05 reports the sync engine and NullPool", async () => {
    expect(lines(item(await auditFixture("audit-bad"), "C05"))).toEqual([
      "fail",
      "app/database.py:1 uses SQL: imports sqlalchemy",
      "no `create_async_engine(...)` call outside test and docs code",
      "1 sync engine outside tests and Alembic: app/database.py:5",
      "app/database.py:5 sync `create_engine(...)`",
      "1 engine without a pool: app/database.py:5",
      "app/database.py:5 `poolclass=NullPool`: a new connection per checkout, no pooling",
    ]);
  });

  it("C06 fails an alembic.ini whose versions folder has no revision (trap)", async () => {
    expect(lines(item(await auditFixture("audit-bad"), "C06"))).toEqual([
      "fail",
      "alembic.ini:1 script_location `alembic`; env.py present; no revision file in alembic/versions",
    ]);
  });

  it("C09 lists print calls; C10 a single full-image stage running as root", async () => {
    const r = await auditFixture("audit-bad");
    expect(lines(item(r, "C09"))).toEqual([
      "fail",
      "no structured (JSON or key-value) log output configured",
      "2 `print(` calls in the app's code bypass logging: app/main.py:15, app/routers/orders.py:23",
      "app/main.py:15 `print(...)`",
      "app/routers/orders.py:23 `print(...)`",
    ]);
    expect(lines(item(r, "C10"))).toEqual([
      "fail",
      "Dockerfile:1 builds the Python app in 1 stage: the final stage (`python:3.12`, line 1)",
      "Dockerfile:1 single stage: build tools and caches end up in the image",
      "Dockerfile no `USER`: the container runs as root",
      "Dockerfile:1 final base `python:3.12` is a full image; a `-slim` or distroless base is smaller",
    ]);
  });
});

describe("traps named by RULES.md", () => {
  it("a MongoDB project with a stray alembic.ini: C05 and C06 not applicable", async () => {
    const r = await auditFixture("audit-mongo");
    expect(lines(item(r, "C05"))).toEqual(["not_applicable", "the project does not import sqlalchemy or sqlmodel outside test and docs code"]);
    expect(lines(item(r, "C06"))).toEqual([
      "not_applicable",
      "the project does not import sqlalchemy or sqlmodel outside test and docs code",
      "alembic.ini an Alembic config, but the project does not use SQL",
    ]);
    expect(item(r, "C06").fix).toBeUndefined();
    expect(item(r, "C03").status).toBe("pass");
  });

  it("a custom CORS middleware class passes C07", async () => {
    expect(lines(item(await auditFixture("audit-custom-cors"), "C07"))).toEqual([
      "pass",
      "app/main.py:6 registers `TenantCORSMiddleware` (project class, app/cors.py:6)",
    ]);
  });

  it("CORS and GZip given as FastAPI(middleware=[Middleware(...)]) pass C07 and C08", async () => {
    const r = await auditFixture("audit-middleware-list");
    expect(lines(item(r, "C07"))).toEqual(["pass", "app/main.py:9 registers `CORSMiddleware`"]);
    expect(lines(item(r, "C08"))).toEqual(["pass", "app/main.py:10 registers `GZipMiddleware`"]);
  });

  it("C08 names the middleware it found by class, also when an instance is registered", async () => {
    const main = [
      "from fastapi import FastAPI",
      "from fastapi.middleware.cors import CORSMiddleware",
      "from fastmcp.server.middleware.rate_limiting import RateLimitingMiddleware",
      "",
      "app = FastAPI()",
      'app.add_middleware(CORSMiddleware, allow_origins=["https://shop.example"])',
      "mcp.add_middleware(",
      "    RateLimitingMiddleware(",
      "        max_requests_per_second=10,",
      "    )",
      ")",
      "",
    ].join("\n");
    expect(lines(item(await auditFiles({ "app/main.py": main }), "C08"))).toEqual([
      "fail",
      "no compression middleware registered (registered: CORSMiddleware, RateLimitingMiddleware)",
    ]);
  });

  it("a wildcard origin with credentials fails C07 through FAPI102", async () => {
    const c07 = lines(item(await auditFixture("audit-wildcard-cors"), "C07"));
    expect(c07.slice(0, 3)).toEqual([
      "fail",
      "app/main.py:5 registers `CORSMiddleware`",
      "1 CORS setting allows every origin with credentials (FAPI102): app/main.py:5",
    ]);
    expect(c07[3]).toMatch(/^app\/main\.py:5 FAPI102: /);
  });

  it("a multi-stage Dockerfile whose extra stage only builds a frontend fails C10", async () => {
    expect(lines(item(await auditFixture("audit-frontend-stage"), "C10"))).toEqual([
      "fail",
      "Dockerfile:8 builds the Python app in 2 stages: `web` (`node:20-alpine`, line 1), the final stage (`python:3.12-slim`, line 8)",
      "Dockerfile:13 the final stage copies only from `web`, which builds no Python (node:20-alpine); the Python dependencies are installed in the final image itself",
      "Dockerfile:15 runs as non-root `USER app`",
      "Dockerfile:8 slim final base `python:3.12-slim`",
    ]);
  });

  it("revisions in a versions folder that .gitignore excludes are not tracked", async () => {
    expect(lines(item(await auditFixture("audit-ignored-versions"), "C06"))).toEqual([
      "fail",
      "alembic.ini:1 script_location `migrations`; env.py present; migrations/versions is excluded by .gitignore, so no revision is tracked",
    ]);
  });

  it("a YAML logging config with python-json-logger passes C09", async () => {
    expect(lines(item(await auditFixture("audit-logging-yaml"), "C09"))).toEqual([
      "pass",
      "app/logging.yaml logging config with the JSON formatter `pythonjsonlogger.json.JsonFormatter`",
    ]);
  });
});

describe("audit API", () => {
  it("refuses a persona without a checklist pack, naming the ones with one", async () => {
    const persona = { ...(await fastapiPro()), name: "python-pro" };
    const err = await auditProject(inlineProject({ "app.py": "x = 1\n" }), { persona }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe('persona "python-pro" has no checklist audit; personas with one: fastapi-pro');
  });

  it("a project with no app and no SQL is not applicable on every item", async () => {
    const r = await auditFiles({ "lib/util.py": "def add(a, b):\n    return a + b\n" });
    expect(r.items.map((i) => i.status)).toEqual(Array(10).fill("not_applicable"));
    expect(r.summary.notApplicable).toBe(10);
  });

  it("lists config files that do not parse, and still audits the rest", async () => {
    const r = await auditFiles({
      "app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
      "pyproject.toml": "[project\nname = 1\n",
      "logging.yaml": "formatters: [unclosed\n",
    });
    expect(r.summary.parseErrors.map((e) => e.file)).toEqual(["logging.yaml", "pyproject.toml"]);
    expect(r.summary.parseErrors[0]!.message).toMatch(/^cannot parse: /);
    expect(r.items).toHaveLength(10);
  });

  it("reports progress and stops when cancelled", async () => {
    const seen: number[] = [];
    await auditProject(inlineProject({ "a.py": "x = 1\n", "b.py": "y = 2\n" }), { persona: await fastapiPro(), onProgress: (done) => seen.push(done) });
    expect(seen).toEqual([1, 2]);
    const controller = new AbortController();
    controller.abort(new Error("cancelled"));
    await expect(auditProject(inlineProject({ "a.py": "x = 1\n" }), { persona: await fastapiPro(), signal: controller.signal })).rejects.toThrow("cancelled");
  });

  it("caps a long list at ten places and says how many more", async () => {
    const handlers = Array.from({ length: 13 }, (_, i) => `@app.get("/r${i}")\ndef r${i}() -> int:\n    return ${i}\n`).join("\n");
    const c01 = item(await auditFiles({ "app/main.py": `from fastapi import FastAPI\napp = FastAPI()\n\n${handlers}` }), "C01");
    expect(c01.evidence).toHaveLength(12);
    expect(c01.evidence[0]!.note).toBe(
      "13 of 13 route handlers are sync `def` (FastAPI runs each in its thread pool): app/main.py:5, app/main.py:9, app/main.py:13, app/main.py:17, app/main.py:21, app/main.py:25, app/main.py:29, app/main.py:33, app/main.py:37, app/main.py:41, ...",
    );
    expect(c01.evidence[11]).toEqual({ note: "and 3 more sync handlers" });
  });
});
