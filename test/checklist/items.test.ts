import { describe, expect, it } from "vitest";
import { auditFiles, item, lines } from "./helpers.js";

const APP = "from fastapi import FastAPI\napp = FastAPI(title='T', description='D')\n";

describe("C02 request and response schemas", () => {
  it("accepts typed mappings, explicit -> None, non-JSON response classes and models named ...Response", async () => {
    const c02 = item(
      await auditFiles({
        "app/main.py": `from typing import Annotated, Any
from fastapi import Body, FastAPI
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

app = FastAPI()

class UploadResponse(BaseModel):
    id: int

@app.get("/counts")
async def counts() -> dict[str, int]:
    return {"a": 1}

@app.post("/hooks/stripe", status_code=202)
async def stripe_hook() -> None:
    return None

@app.get("/page", response_class=HTMLResponse)
async def page():
    return "<p>hi</p>"

@app.post("/upload")
async def upload() -> UploadResponse:
    return UploadResponse(id=1)

@app.post("/raw")
async def raw(payload: Annotated[dict[str, Any], Body()], note=Body()) -> dict[str, Any]:
    return payload
`,
      }),
      "C02",
    );
    expect(lines(c02)).toEqual([
      "fail",
      "2 of 2 request bodies are not a Pydantic model: app/main.py:28, app/main.py:28",
      "app/main.py:28 body `payload: Annotated[dict[str, Any], Body()]` in `raw` is `dict[str, Any]`, not a model",
      "app/main.py:28 body `note=Body()` in `raw` is untyped (`Body()` without an annotation)",
      "1 of 4 HTTP routes declares no response model: app/main.py:28",
      "app/main.py:28 `raw` returns `dict[str, Any]` with no `response_model=`",
      "1 route is exempt: status 204, a returned `Response`, or a non-JSON response class",
    ]);
  });

  it("exempts routes of a router whose app defaults to a non-JSON response class", async () => {
    const c02 = item(
      await auditFiles({
        "admin/views.py": "from fastapi import APIRouter\nrouter = APIRouter()\n\n@router.get('/users')\nasync def users():\n    return '<table></table>'\n",
        "admin/app.py": "from fastapi import FastAPI\nfrom admin.views import router\nfrom admin.html import PageResponse\n\napp = FastAPI(default_response_class=PageResponse)\napp.include_router(router)\n",
        "admin/html.py": "from starlette.responses import HTMLResponse\n\nclass PageResponse(HTMLResponse):\n    pass\n",
      }),
      "C02",
    );
    expect(c02.status).toBe("pass");
    expect(lines(c02)).toContain("1 route is exempt: status 204, a returned `Response`, or a non-JSON response class");
  });
});

describe("C03 dependency injection", () => {
  it("fails a handler that connects to the database itself, even with Security elsewhere", async () => {
    const c03 = item(
      await auditFiles({
        "app/main.py": `import sqlite3
from fastapi import FastAPI, Security
from fastapi.security import APIKeyHeader

app = FastAPI()
key = APIKeyHeader(name="X-Key")

@app.get("/rows")
async def rows(api_key: str = Security(key)) -> list[str]:
    conn = sqlite3.connect("app.db")
    return [r[0] for r in conn.execute("select name from t")]
`,
      }),
      "C03",
    );
    expect(lines(c03)).toEqual([
      "fail",
      "app/main.py:9 1 `Depends`/`Security` use outside test and docs code, the first here",
      "1 route handler call opening a session or connection instead of receiving it: app/main.py:10",
      'app/main.py:10 `rows` opens its own connection: `sqlite3.connect("app.db")`',
    ]);
  });
});

describe("C04 OpenAPI docs", () => {
  it("skips routes hidden from the schema and those of a mounted sub-app with docs off; tags flow from a parent router", async () => {
    const c04 = item(
      await auditFiles({
        "app/main.py": `from fastapi import FastAPI
from app.api import api
from app.admin import admin

app = FastAPI(title="Shop", description="Shop API")
app.include_router(api)
app.mount("/admin", admin)

@app.get("/healthz", include_in_schema=False)
async def healthz() -> bool:
    return True
`,
        "app/api.py": `from fastapi import APIRouter
from app import orders

api = APIRouter(prefix="/v1", tags=["v1"])
api.include_router(orders.router)
`,
        "app/orders.py": `from fastapi import APIRouter
router = APIRouter(prefix="/orders")

@router.get("/")
async def list_orders() -> list[int]:
    """All orders."""
    return []
`,
        "app/admin.py": `from fastapi import FastAPI
admin = FastAPI(openapi_url=None)

@admin.get("/")
async def dashboard() -> str:
    return "ok"
`,
      }),
      "C04",
    );
    expect(lines(c04)).toEqual([
      "pass",
      "app/main.py:5 `FastAPI(...)` sets title and description",
      "every HTTP route (1) has tags",
      "every HTTP route (1) has a summary, description or docstring",
      "no test fetches `/openapi.json` or `/docs` (not required)",
    ]);
  });

  it("accepts a schema built by hand with get_openapi(title=, description=)", async () => {
    const c04 = item(
      await auditFiles({
        "app/main.py": `from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

app = FastAPI(openapi_url=None)

def schema():
    return get_openapi(title="API", version="1", description="The API", routes=app.routes)
`,
      }),
      "C04",
    );
    expect(lines(c04)).toEqual([
      "pass",
      "app/main.py:4 `FastAPI(...)` sets no title or description; the hand-built schema sets its own",
      "app/main.py:4 `openapi_url=None`: the built-in docs are off, the project serves its own schema",
      "app/main.py:7 the schema is built by hand with `get_openapi(...)`",
      "no HTTP route in the schema",
      "no test fetches `/openapi.json` or `/docs` (not required)",
    ]);
  });
});

describe("C05 async engine", () => {
  it("counts SQLModel's create_engine as sync", async () => {
    const c05 = item(
      await auditFiles({ "app/db.py": 'from sqlmodel import Session, create_engine\nengine = create_engine("sqlite:///db.sqlite")\n' }),
      "C05",
    );
    expect(lines(c05)).toEqual([
      "fail",
      "app/db.py:1 uses SQL: imports sqlmodel",
      "no `create_async_engine(...)` call outside test and docs code",
      "1 sync engine outside tests and Alembic: app/db.py:2",
      "app/db.py:2 sync `create_engine(...)`",
    ]);
  });

  it("counts engines that Advanced Alchemy and sqlalchemy-bind-manager build from their configs", async () => {
    const boundAsync = item(
      await auditFiles({
        "app/models.py": "from sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n",
        "app/config.py": [
          "from pydantic_settings import BaseSettings",
          "from sqlalchemy_bind_manager import SQLAlchemyConfig",
          "",
          "",
          "class Settings(BaseSettings):",
          '    SQLALCHEMY_CONFIG: dict = dict(default=SQLAlchemyConfig(engine_url="mysql+asyncmy://db/app", async_engine=True))',
          "",
        ].join("\n"),
      }),
      "C05",
    );
    expect(lines(boundAsync)).toEqual(["pass", "app/models.py:1 uses SQL: imports sqlalchemy", "app/config.py:6 async engine: `SQLAlchemyConfig(...)`"]);
    const mixed = item(
      await auditFiles({
        "app/db.py": [
          "from advanced_alchemy.extensions.fastapi import SQLAlchemyAsyncConfig, SQLAlchemySyncConfig",
          "from sqlalchemy_bind_manager import SQLAlchemyConfig",
          "",
          'api = SQLAlchemyAsyncConfig(connection_string="postgresql+asyncpg://db/app")',
          'reports = SQLAlchemySyncConfig(connection_string="postgresql://db/app")',
          'legacy = SQLAlchemyConfig(engine_url="sqlite:///app.db")',
          "",
        ].join("\n"),
        "app/models.py": "import sqlalchemy\n",
      }),
      "C05",
    );
    expect(lines(mixed)).toEqual([
      "fail",
      "app/models.py:1 uses SQL: imports sqlalchemy",
      "app/db.py:4 async engine: `SQLAlchemyAsyncConfig(...)`",
      "2 sync engines outside tests and Alembic: app/db.py:5, app/db.py:6",
      "app/db.py:5 sync `SQLAlchemySyncConfig(...)`",
      "app/db.py:6 sync `SQLAlchemyConfig(...)`",
    ]);
  });

  it("counts a project AsyncEngine subclass built around a sync engine as an async engine", async () => {
    const c05 = item(
      await auditFiles({
        "app/models/utils.py": "from sqlalchemy.ext.asyncio import AsyncEngine as SAEngine\n\n\nclass ExtendedEngine(SAEngine):\n    pass\n",
        "app/db/engine.py": [
          "from sqlalchemy.engine import create_engine as _create_engine",
          "",
          "from app.models.utils import ExtendedEngine",
          "",
          "",
          "def create_async_engine(*args, **kwargs):",
          "    sync_engine = _create_engine(*args, **kwargs)",
          "    return ExtendedEngine(sync_engine)",
          "",
        ].join("\n"),
        // A script whose name cannot be imported is a script; its sync engine is not the app's.
        "scripts/alembic-rebase.py": "import sys\nfrom sqlalchemy import create_engine\n\nengine = create_engine(sys.argv[1])\n",
      }),
      "C05",
    );
    expect(lines(c05)).toEqual(["pass", "app/db/engine.py:1 uses SQL: imports sqlalchemy", "app/db/engine.py:8 async engine: `ExtendedEngine(...)`"]);
    // The evidence of SQL use is the app's import, though a script's path sorts first.
    const withScript = item(await auditFiles({ "app/db.py": "from sqlalchemy.ext.asyncio import create_async_engine\n", "aaa/scripts/dump.py": "import sqlalchemy\n\nprint(sqlalchemy.__version__)\n" }), "C05");
    expect(lines(withScript)[1]).toBe("app/db.py:1 uses SQL: imports sqlalchemy");
  });

  it("leaves out the engines of migration helpers, docs and seeds, not those of the app's own modules", async () => {
    const sync = 'from sqlalchemy import create_engine\n\n\ndef run():\n    engine = create_engine("postgresql://db/app")\n    return engine\n';
    const c05 = item(
      await auditFiles({
        "app/db.py": 'from sqlalchemy.ext.asyncio import create_async_engine\nengine = create_async_engine("postgresql+asyncpg://db/app")\n',
        "app/migrations/core/data_migrations/projects.py": sync,
        "docs/examples/engine.py": sync,
        "app/seeds/users.py": sync,
      }),
      "C05",
    );
    expect(lines(c05)).toEqual(["pass", "app/db.py:1 uses SQL: imports sqlalchemy", "app/db.py:2 async engine: `create_async_engine(...)`"]);
    // The evidence of SQL use is the app's own import, though a migration helper's path sorts first.
    const early = item(await auditFiles({ "aaa/migrations/data/fix.py": sync, "app/db.py": 'from sqlalchemy.ext.asyncio import create_async_engine\nengine = create_async_engine("postgresql+asyncpg://db/app")\n' }), "C05");
    expect(lines(early)[1]).toBe("app/db.py:1 uses SQL: imports sqlalchemy");
    const withApp = item(await auditFiles({ "app/db.py": 'from sqlalchemy.ext.asyncio import create_async_engine\nengine = create_async_engine("postgresql+asyncpg://db/app")\n', "app/reports.py": sync }), "C05");
    expect(lines(withApp)[0]).toBe("fail");
  });
});

describe("Alembic's own files", () => {
  const APP_DB = 'from sqlalchemy.ext.asyncio import create_async_engine\nengine = create_async_engine("postgresql+asyncpg://db/app")\n';

  it("C05 leaves out env.py, revisions and scripts, but not a server module that runs migrations at startup", async () => {
    const c05 = item(
      await auditFiles({
        "app/db.py": APP_DB,
        "db/env.py": 'from alembic import context\nfrom sqlalchemy import create_engine\n\nengine = create_engine("postgresql://db/app")\n',
        "db/revisions/0001_init.py": 'from alembic import op\nfrom sqlalchemy import create_engine\n\nrevision = "0001"\ndown_revision = None\nengine = create_engine("postgresql://db/app")\n',
        "app/startup.py":
          'from alembic import command\nfrom alembic.config import Config\nfrom sqlalchemy import create_engine\n\n\ndef migrate():\n    engine = create_engine("postgresql://db/app")\n    command.upgrade(Config("alembic.ini"), "head")\n    return engine\n',
        // A command-line script that creates the database: its engine lives for one run of the command.
        "scripts/db.py": 'import typer\nfrom sqlalchemy import create_engine\n\ncli = typer.Typer()\n\n\n@cli.command()\ndef create():\n    create_engine("postgresql://db/postgres").connect()\n',
      }),
      "C05",
    );
    expect(lines(c05)).toEqual([
      "fail",
      "app/db.py:1 uses SQL: imports sqlalchemy",
      "app/db.py:2 async engine: `create_async_engine(...)`",
      "1 sync engine outside tests and Alembic: app/startup.py:7",
      "app/startup.py:7 sync `create_engine(...)`",
    ]);
  });

  it("C09 lists a startup migration's prints, not those of an env.py or revision wherever they live", async () => {
    const c09 = item(
      await auditFiles({
        "app/main.py": APP,
        "db/env.py": "from alembic import context\n\nprint('migrating')\n",
        "db/revisions/0002_backfill.py": 'from alembic import op\n\nrevision = "0002"\ndown_revision = "0001"\n\n\ndef upgrade():\n    print("backfilling")\n',
        "app/startup.py": "from alembic import command\n\n\ndef migrate(cfg):\n    print('upgrading')\n    command.upgrade(cfg, 'head')\n",
      }),
      "C09",
    );
    expect(lines(c09).slice(2)).toEqual(["1 `print(` call in the app's code bypass logging: app/startup.py:5", "app/startup.py:5 `print(...)`"]);
  });
});

describe("C06 Alembic", () => {
  const db = "from sqlalchemy.ext.asyncio import create_async_engine\nengine = create_async_engine('sqlite+aiosqlite://')\n";
  const env = "from alembic import context\ncontext.run_migrations()\n";
  const rev = 'revision = "0001"\ndown_revision = None\n';

  it("reads [tool.alembic] from pyproject.toml", async () => {
    const c06 = item(
      await auditFiles({
        "app/db.py": db,
        "pyproject.toml": '[tool.alembic]\nscript_location = "%(here)s/db/migrations"\n',
        "db/migrations/env.py": env,
        "db/migrations/versions/0001_init.py": rev,
      }),
      "C06",
    );
    expect(lines(c06)).toEqual([
      "pass",
      "pyproject.toml script_location `db/migrations`; env.py present; 1 revision in db/migrations/versions",
      "db/migrations/versions/0001_init.py a tracked revision",
    ]);
  });

  it("reads the alembic.ini.example a project tracks in place of its git-ignored alembic.ini", async () => {
    const c06 = item(
      await auditFiles({
        "app/db.py": db,
        ".gitignore": "alembic.ini\n",
        "alembic.ini.example": "[alembic]\nscript_location = alembic\n",
        "alembic/env.py": env,
        "alembic/versions/0001_init.py": rev,
      }),
      "C06",
    );
    expect(lines(c06)).toEqual([
      "pass",
      "alembic.ini.example:1 script_location `alembic`; env.py present; 1 revision in alembic/versions",
      "alembic/versions/0001_init.py a tracked revision",
    ]);
  });

  it("follows package:path locations and version_locations", async () => {
    const c06 = item(
      await auditFiles({
        "src/shop/db.py": db,
        "alembic.ini": "[alembic]\nscript_location = shop:migrations\nversion_locations = %(here)s/src/shop/migrations/core %(here)s/src/shop/migrations/billing\n",
        "src/shop/migrations/env.py": env,
        "src/shop/migrations/billing/0002_invoices.py": 'revision = "0002"\ndown_revision = "0001"\n',
      }),
      "C06",
    );
    expect(lines(c06)).toEqual([
      "pass",
      "alembic.ini:1 script_location `src/shop/migrations`; env.py present; 1 revision in src/shop/migrations/core, src/shop/migrations/billing",
      "src/shop/migrations/billing/0002_invoices.py a tracked revision",
    ]);
  });

  it("maps an absolute script_location (a container path) onto the project folder that ends with it", async () => {
    const c06 = item(
      await auditFiles({
        "api/oss/src/db.py": db,
        "api/ee/migrations/core/alembic.ini": "[alembic]\nscript_location = /app/ee/migrations/core\n",
        "api/ee/migrations/core/env.py": env,
        "api/ee/migrations/core/versions/0001_init.py": rev,
        "api/oss/migrations/core/env.py": env,
      }),
      "C06",
    );
    expect(lines(c06)).toEqual([
      "pass",
      "api/ee/migrations/core/alembic.ini:1 script_location `api/ee/migrations/core`; env.py present; 1 revision in api/ee/migrations/core/versions",
      "api/ee/migrations/core/versions/0001_init.py a tracked revision",
    ]);
  });

  it("reads an Alembic config under another name, as `alembic -c` takes it", async () => {
    const c06 = item(
      await auditFiles({
        "src/shop/db.py": db,
        "configs/halfstack.alembic.ini": "[alembic]\nscript_location = src/shop/migrations\n",
        "src/shop/migrations/env.py": env,
        "src/shop/migrations/versions/0001_init.py": rev,
      }),
      "C06",
    );
    expect(lines(c06)).toEqual([
      "pass",
      "configs/halfstack.alembic.ini:1 script_location `src/shop/migrations`; env.py present; 1 revision in src/shop/migrations/versions",
      "src/shop/migrations/versions/0001_init.py a tracked revision",
    ]);
  });

  it("names a tracked revision once when two configs share its folder", async () => {
    const c06 = item(
      await auditFiles({
        "app/db.py": db,
        "app/migrations/alembic.ini": "[alembic]\nscript_location = .\n",
        "app/migrations/alembic_dev.ini": "[alembic]\nscript_location = .\n",
        "app/migrations/env.py": env,
        "app/migrations/versions/0001_init.py": rev,
      }),
      "C06",
    );
    expect(lines(c06)).toEqual([
      "pass",
      "app/migrations/alembic.ini:1 script_location `app/migrations`; env.py present; 1 revision in app/migrations/versions",
      "app/migrations/versions/0001_init.py a tracked revision",
      "app/migrations/alembic_dev.ini:1 script_location `app/migrations`; env.py present; 1 revision in app/migrations/versions",
    ]);
  });

  it("resolves a relative script_location from a folder above the config when only that holds it", async () => {
    // The app runs `alembic -c svc/alembic.ini` from the repository's root, so the path is relative to the root.
    const files = {
      "svc/shop/db.py": db,
      "svc/alembic.ini": "[alembic]\nscript_location = svc/shop/migrations\nversion_locations = svc/shop/migrations/versions\n",
      "svc/shop/migrations/env.py": env,
      "svc/shop/migrations/versions/0001_init.py": rev,
    };
    expect(lines(item(await auditFiles(files), "C06"))).toEqual([
      "pass",
      "svc/alembic.ini:1 script_location `svc/shop/migrations`; env.py present; 1 revision in svc/shop/migrations/versions",
      "svc/shop/migrations/versions/0001_init.py a tracked revision",
    ]);
    // Where the config's own folder holds the path, that folder wins, as `cd svc && alembic upgrade head` would use.
    const own = { ...files, "svc/svc/shop/migrations/env.py": env };
    expect(lines(item(await auditFiles(own), "C06"))[1]).toBe(
      "svc/alembic.ini:1 script_location `svc/svc/shop/migrations`; env.py present; no revision file in svc/svc/shop/migrations/versions",
    );
  });

  it("fails without any Alembic config, pointing at an env.py it found", async () => {
    const c06 = item(await auditFiles({ "app/db.py": db, "migrations/env.py": env }), "C06");
    expect(lines(c06)).toEqual([
      "fail",
      "no `alembic.ini` and no `[tool.alembic]` in pyproject.toml",
      "migrations/env.py an Alembic env.py with no config beside it in the scanned folder",
    ]);
  });
});

describe("C09 structured logging", () => {
  const cases: [string, Record<string, string>, string[]][] = [
    [
      "an INI fileConfig formatter",
      { "logging.ini": "[formatters]\nkeys = json\n\n[formatter_json]\nclass = pythonjsonlogger.jsonlogger.JsonFormatter\nformat = %(message)s\n" },
      ["logging.ini logging config with the JSON formatter `pythonjsonlogger.jsonlogger.JsonFormatter`"],
    ],
    [
      "a JSON config naming a project formatter",
      {
        "log_config.json": '{"version": 1, "formatters": {"json": {"()": "app.logfmt.JSONLineFormatter"}}}',
        "app/logfmt.py": "import json\nimport logging\n\nclass JSONLineFormatter(logging.Formatter):\n    def format(self, record):\n        return json.dumps({'msg': record.getMessage()})\n",
      },
      [
        "app/logfmt.py:4 `JSONLineFormatter` formats log records as JSON",
        "log_config.json logging config with the JSON formatter `app.logfmt.JSONLineFormatter`",
      ],
    ],
    [
      "loguru with serialize=True",
      { "app/log.py": "import sys\nfrom loguru import logger\nlogger.add(sys.stdout, serialize=True)\n" },
      ["app/log.py:3 loguru `logger.add(..., serialize=True)`"],
    ],
    [
      "a dictConfig dict in code",
      { "app/log.py": "import logging.config\nCONFIG = {'version': 1, 'formatters': {'json': {'()': 'pythonjsonlogger.json.JsonFormatter'}}}\nlogging.config.dictConfig(CONFIG)\n" },
      ["app/log.py:3 `dictConfig` with the JSON formatter `pythonjsonlogger.json.JsonFormatter`"],
    ],
  ];
  for (const [name, files, expected] of cases) {
    it(`passes with ${name}`, async () => {
      const c09 = item(await auditFiles({ "app/main.py": APP, ...files }), "C09");
      expect(lines(c09)).toEqual(["pass", ...expected]);
    });
  }

  it("a Formatter subclass that does not write JSON is not structured", async () => {
    const c09 = item(
      await auditFiles({ "app/main.py": APP, "app/fmt.py": "import logging\n\nclass Short(logging.Formatter):\n    def format(self, record):\n        return record.getMessage()[:80]\n" }),
      "C09",
    );
    expect(c09.status).toBe("fail");
  });

  it("lists the app's print calls, not those of scripts, task files, __main__ blocks or docs", async () => {
    const c09 = item(
      await auditFiles({
        "app/main.py": `${APP}\n\ndef report(x):\n    print(x)\n\n\nif __name__ == "__main__":\n    print("starting")\n`,
        "scripts/seed.py": "print('seeding')\n",
        ".github/scripts/release_notes.py": "import sys\n\nprint(sys.argv)\n",
        "docs/example.py": "print('hello')\n",
        "alembic/env.py": "print('migrating')\n",
        "noxfile.py": "import nox\n\n\n@nox.session\ndef lint(session):\n    print('linting')\n",
        "setup.py": "print('building')\n",
        "hooks/post_gen_project.py": "import os\n\n\ndef remove(path):\n    print(f'removing {path}')\n    os.remove(path)\n",
        "hack/verify_links.py": "def check(url):\n    print(url)\n",
      }),
      "C09",
    );
    expect(lines(c09).slice(1)).toEqual([
      "no structured (JSON or key-value) log output configured",
      "1 `print(` call in the app's code bypass logging: app/main.py:" + (APP.split("\n").length + 3),
      "app/main.py:" + (APP.split("\n").length + 3) + " `print(...)`",
    ]);
  });
});

describe("C10 Dockerfile", () => {
  it("follows FROM <stage> chains and ignores COPY --from=<image>", async () => {
    const c10 = item(
      await auditFiles({
        "app/main.py": APP,
        "Dockerfile": [
          "FROM python:3.12-slim AS base",
          "ENV PYTHONUNBUFFERED=1",
          "FROM base AS deps",
          "COPY --from=ghcr.io/astral-sh/uv:0.5 /uv /bin/",
          "RUN uv sync --frozen",
          "FROM base AS runtime",
          "COPY --from=deps /app/.venv /app/.venv",
          "FROM runtime",
          "USER 10001",
          'CMD ["uvicorn", "app.main:app"]',
          "",
        ].join("\n"),
      }),
      "C10",
    );
    expect(lines(c10)).toEqual([
      "pass",
      "Dockerfile:8 builds the Python app in 4 stages: `base` (`python:3.12-slim`, line 1), `deps` (`base`, line 3), `runtime` (`base`, line 6), the final stage (`runtime`, line 8)",
      "Dockerfile:7 `runtime` copies `/app/.venv` from `deps`, which installs Python packages (line 5)",
      "Dockerfile:9 runs as non-root `USER 10001`",
      "Dockerfile:8 slim final base `python:3.12-slim`",
    ]);
  });

  it("reads COPY --from among other flags, and shows the copy that carries the packages", async () => {
    const c10 = item(
      await auditFiles({
        "app/main.py": APP,
        "Dockerfile": [
          "FROM python:3.12-slim AS builder",
          "RUN useradd app && python -m venv /app/.venv && /app/.venv/bin/pip install -r requirements.txt",
          "FROM python:3.12-slim",
          "COPY --from=builder /etc/passwd /etc/passwd",
          "COPY --chown=app:app --from=builder /app/.venv /app/.venv",
          "USER app",
          "",
        ].join("\n"),
      }),
      "C10",
    );
    expect(lines(c10)).toContain("Dockerfile:5 the final stage copies `/app/.venv` from `builder`, which installs Python packages (line 2)");
  });

  it("shows the copy that carries the app over one that carries a system binary", async () => {
    const c10 = item(
      await auditFiles({
        "app/main.py": APP,
        "Dockerfile": [
          "FROM python:3.12-slim AS builder",
          "RUN apt-get install -y nodejs && cd /app/backend && uv sync --frozen",
          "FROM python:3.12-slim",
          "COPY --from=builder /usr/bin/node /usr/bin/node",
          "COPY --from=builder /app/backend ./backend",
          "",
        ].join("\n"),
      }),
      "C10",
    );
    expect(lines(c10)).toContain("Dockerfile:5 the final stage copies `/app/backend` from `builder`, which installs Python packages (line 2)");
  });

  it("knows a Python image pinned by digest", async () => {
    const c10 = item(
      await auditFiles({
        "app/main.py": APP,
        "Dockerfile": [
          "FROM python@sha256:3de9a8d7aedbb7984dc18f2dff178a7850f16c1ae7c34ba9d7ecc23d0755e35f AS builder",
          "COPY . /src",
          "RUN cd /src && make install",
          "FROM gcr.io/distroless/python3@sha256:e8c7ab4451b52873053d716496be1b88db8cc82370600fbaf1ddafd7c67da6da",
          "COPY --from=builder /venv /venv",
          "USER nonroot",
          'ENTRYPOINT ["/venv/bin/uvicorn", "app.main:app"]',
          "",
        ].join("\n"),
      }),
      "C10",
    );
    expect(lines(c10).slice(0, 1)).toEqual(["pass"]);
    expect(lines(c10)).toContain("Dockerfile:5 the final stage copies `/venv` from `builder`, a Python stage");
  });

  it("reads a cookiecutter Dockerfile's Jinja expressions as part of the image", async () => {
    const c10 = item(
      await auditFiles({
        "app/main.py": APP,
        "Dockerfile": [
          "FROM python:{{ cookiecutter.py_version }}-slim AS builder",
          "{% if cookiecutter.use_uv %}RUN uv sync --frozen{% else %}RUN pip install -r requirements.txt{% endif %}",
          "FROM python:{{ cookiecutter.py_version }}-slim",
          "COPY --from=builder /app/.venv /app/.venv",
          "",
        ].join("\n"),
      }),
      "C10",
    );
    expect(lines(c10)).toEqual([
      "pass",
      "Dockerfile:3 builds the Python app in 2 stages: `builder` (`python:{{cookiecutter.py_version}}-slim`, line 1), the final stage (`python:{{cookiecutter.py_version}}-slim`, line 3)",
      "Dockerfile:4 the final stage copies `/app/.venv` from `builder`, which installs Python packages (line 2)",
      "Dockerfile no `USER`: the container runs as root",
      "Dockerfile:3 slim final base `python:{{cookiecutter.py_version}}-slim`",
    ]);
  });

  it("picks the Dockerfile that builds the Python app among several", async () => {
    const c10 = item(
      await auditFiles({
        "backend/app/main.py": APP,
        "frontend/Dockerfile": "FROM node:20 AS build\nRUN npm ci && npm run build\nFROM nginx:alpine\nCOPY --from=build /dist /usr/share/nginx/html\n",
        "backend/Dockerfile": "FROM python:3.12\nRUN pip install -r requirements.txt\nUSER root\n",
      }),
      "C10",
    );
    expect(lines(c10)).toEqual([
      "fail",
      "backend/Dockerfile:1 builds the Python app in 1 stage: the final stage (`python:3.12`, line 1) (other Dockerfiles: frontend/Dockerfile)",
      "backend/Dockerfile:1 single stage: build tools and caches end up in the image",
      "backend/Dockerfile:3 `USER root`: the container runs as root",
      "backend/Dockerfile:1 final base `python:3.12` is a full image; a `-slim` or distroless base is smaller",
    ]);
  });

  it("picks the Dockerfile that copies the app's code over a bot's or a worker's in a monorepo", async () => {
    const files = {
      "backend/main.py": APP,
      "bot/bot.py": "import discord\n",
      "docker/Dockerfile.bot": 'FROM python:3.10-slim\nCOPY ./bot /app\nRUN pip install -r requirements.txt\nCMD ["python", "-m", "bot"]\n',
      "docker/Dockerfile.backend": [
        "FROM tiangolo/uvicorn-gunicorn-fastapi:python3.10",
        "COPY ./backend/requirements.txt /app/requirements.txt",
        "RUN pip install --no-cache-dir -r /app/requirements.txt",
        "COPY ./backend/main.py /app/main.py",
        "",
      ].join("\n"),
    };
    expect(lines(item(await auditFiles(files), "C10"))[1]).toBe(
      "docker/Dockerfile.backend:1 builds the Python app in 1 stage: the final stage (`tiangolo/uvicorn-gunicorn-fastapi:python3.10`, line 1) (other Dockerfiles: docker/Dockerfile.bot)",
    );
    // Relative to a build context above the Dockerfile's folder, as compose files set it; the worker image runs
    // `arq`, the backend image's own CMD starts the server.
    const shared = "COPY ./requirements.txt /app/requirements.txt\nRUN pip install -r requirements.txt\nCOPY ./app /app/app\n";
    const services = {
      "users/app/main.py": APP,
      "users/docker/worker.dockerfile": `FROM python:3.8-slim\n${shared}CMD ["arq", "app.worker.WorkerSettings"]\n`,
      "users/docker/backend.dockerfile": `FROM tiangolo/uvicorn-gunicorn-fastapi:python3.8-slim\n${shared}`,
    };
    expect(lines(item(await auditFiles(services), "C10"))[1]).toMatch(/^users\/docker\/backend\.dockerfile:1 builds the Python app/);
  });

  it("prefers the Dockerfile whose own folder holds the app when each copies its whole folder", async () => {
    const files = {
      "backend/app/app.py": APP,
      "backend/Dockerfile": [
        "FROM python:3.12-slim AS deps",
        "COPY pyproject.toml uv.lock ./",
        "RUN pip install uv && uv sync --frozen",
        "FROM deps AS production",
        "COPY . .",
        'CMD ["/app/scripts/entrypoint.sh"]',
        "",
      ].join("\n"),
      "mcp/server.py": "import mcp\n",
      "mcp/Dockerfile": [
        "FROM python:3.12-slim AS deps",
        "COPY pyproject.toml uv.lock ./",
        "RUN pip install uv && uv sync --frozen",
        "FROM deps AS production",
        "COPY . .",
        'CMD ["python", "-m", "mcp_server"]',
        "",
      ].join("\n"),
    };
    expect(lines(item(await auditFiles(files), "C10"))[1]).toMatch(/^backend\/Dockerfile:4 builds the Python app in 2 stages/);
  });

  it("fails an app without a Dockerfile and one whose Dockerfiles build no Python", async () => {
    expect(lines(item(await auditFiles({ "app/main.py": APP }), "C10"))).toEqual(["fail", "the project has an app but no Dockerfile (or Containerfile)"]);
    expect(lines(item(await auditFiles({ "app/main.py": APP, "web/Containerfile": "FROM nginx:alpine\n" }), "C10"))).toEqual([
      "fail",
      "none of the 1 Dockerfile builds the Python app: web/Containerfile",
    ]);
  });
});

describe("C06 with named Alembic sections", () => {
  it("takes every ini section with a script_location (alembic --name) and package:path locations", async () => {
    const revision = (id: string) => `revision = "${id}"\ndown_revision = None\n\ndef upgrade():\n    pass\n`;
    const files = {
      "src/shop/main.py": `${APP}from sqlalchemy import create_engine\n`,
      "src/shop/alembic.ini": "[alembic]\nfile_template = %%(rev)s\n\n[core]\nscript_location = shop:migrations/core\n\n[tenant]\nscript_location = shop:migrations/tenant\n",
      "src/shop/migrations/core/env.py": "from alembic import context\n",
      "src/shop/migrations/core/versions/0001_core.py": revision("a1"),
      "src/shop/migrations/tenant/env.py": "from alembic import context\n",
    };
    const c06 = item(await auditFiles(files), "C06");
    expect(c06.status).toBe("pass");
    expect(lines(c06)).toEqual([
      "pass",
      "src/shop/alembic.ini:4 script_location `src/shop/migrations/core`; env.py present; 1 revision in src/shop/migrations/core/versions",
      "src/shop/migrations/core/versions/0001_core.py a tracked revision",
      "src/shop/alembic.ini:7 script_location `src/shop/migrations/tenant`; env.py present; no revision file in src/shop/migrations/tenant/versions",
    ]);
  });
});

describe("documentation examples", () => {
  it("are not the audited app: their middleware, routes and imports say nothing about it", async () => {
    const r = await auditFiles({
      "app/main.py": `${APP}from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=["https://a.example"])\n\n@app.get("/items", tags=["items"], summary="Items")\nasync def items() -> list[int]:\n    return [1]\n`,
      "docs/examples/gzip.py": "from fastapi import FastAPI\nfrom fastapi.middleware.gzip import GZipMiddleware\nfrom sqlmodel import Session\n\napp = FastAPI()\napp.add_middleware(GZipMiddleware)\n\n@app.get('/sync')\ndef sync_route():\n    return {'a': 1}\n",
      "docs_src/tutorial001.py": "from fastapi import FastAPI\nimport structlog\nstructlog.configure(processors=[structlog.processors.JSONRenderer()])\napp = FastAPI()\n",
    });
    expect(lines(item(r, "C01"))).toEqual(["pass", "every route handler (1) is `async def`"]);
    expect(lines(item(r, "C05"))).toEqual(["not_applicable", "the project does not import sqlalchemy or sqlmodel outside test and docs code"]);
    expect(item(r, "C08").status).toBe("fail");
    expect(item(r, "C09").status).toBe("fail");
  });
});
