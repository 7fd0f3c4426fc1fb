/**
 * Shapes met while auditing real FastAPI projects by hand, each written small and in our own words: a chained router
 * name, a wrapped async engine, a FROM chosen by a global ARG, a builder that only exports a requirements list,
 * Alembic split between alembic.ini and pyproject.toml, Alembic without SQLAlchemy in the app, a hidden schema
 * route, and plugin routers mounted by a loader.
 */
import { describe, expect, it } from "vitest";
import { auditFiles, item, lines } from "./helpers.js";

const APP = "from fastapi import FastAPI\napp = FastAPI(title='T', description='D')\n";

describe("C04 tags through a chained router name", () => {
  it("`shop_router = r = APIRouter()`: `@r.get` routes get the tags of `include_router(shop_router, tags=...)`", async () => {
    const c04 = item(
      await auditFiles({
        "svc/routes/shop.py": `from fastapi import APIRouter

shop_router = r = APIRouter()


@r.get("/baskets")
async def baskets() -> list[str]:
    """Open baskets."""
    return []
`,
        "svc/main.py": `from fastapi import FastAPI
from svc.routes.shop import shop_router

app = api = FastAPI(title="Shop", description="Baskets and orders")
api.include_router(shop_router, prefix="/shop", tags=["shop"])


@app.get("/ping")
async def ping() -> str:
    """Liveness."""
    return "pong"
`,
      }),
      "C04",
    );
    expect(lines(c04)).toContain("1 of 2 HTTP routes has no tags: svc/main.py:9");
    expect(lines(c04)).toContain("svc/main.py:9 `ping` has no tags");
  });
});

describe("C04 routers mounted by a plugin loader", () => {
  const loader = (tags: string) => `import importlib
from fastapi import APIRouter

def mount_plugins(parent: APIRouter, plugins: dict) -> None:
    for name, conf in plugins.items():
        module = importlib.import_module(f"svc.plugins.{name}")
        plugin_router = getattr(module, "router")
        parent.include_router(plugin_router, prefix=conf["prefix"]${tags})
`;
  const files = (tags: string) => ({
    "svc/main.py": `from fastapi import FastAPI
from svc.loader import mount_plugins

app = FastAPI(title="Svc", description="With plugins")
mount_plugins(app.router, {"notes": {"prefix": "/notes", "tags": "notes"}})
`,
    "svc/loader.py": loader(tags),
    "svc/plugins/notes.py": `from fastapi import APIRouter

router = APIRouter()


@router.get("/")
async def list_notes() -> list[str]:
    """Every note."""
    return []
`,
  });

  it("a loader that passes tags= leaves the plugin routes' tags unverified, not failing", async () => {
    const c04 = item(await auditFiles(files(', tags=[conf["tags"]]')), "C04");
    expect(c04.status).toBe("pass");
    expect(lines(c04)).toContain(
      'svc/loader.py:8 1 route is on routers mounted dynamically (`parent.include_router(plugin_router, tags=[conf["tags"]])`), which passes their tags; not verified',
    );
  });

  it("a loader that passes no tags leaves them untagged", async () => {
    const c04 = item(await auditFiles(files("")), "C04");
    expect(c04.status).toBe("fail");
    expect(lines(c04)).toContain("svc/plugins/notes.py:7 `list_notes` has no tags");
  });
});

describe("C02 routes left out of the schema", () => {
  it("routes hidden with include_in_schema=False still need a response model (RULES.md lists no such exception)", async () => {
    const c02 = item(
      await auditFiles({
        "svc/main.py": `from typing import Any
from fastapi import APIRouter, FastAPI

app = FastAPI(title="Svc", description="D", openapi_url=None)
hidden = APIRouter(include_in_schema=False)


@app.get("/openapi.json", include_in_schema=False)
async def schema() -> dict[str, Any]:
    return app.openapi()


@hidden.get("/healthz")
async def healthz():
    return {"ok": True}


@app.get("/stats")
async def stats() -> dict[str, Any]:
    return {}


app.include_router(hidden)
`,
      }),
      "C02",
    );
    expect(lines(c02)).toEqual([
      "fail",
      "no route takes a request body",
      "3 of 3 HTTP routes declare no response model: svc/main.py:9, svc/main.py:14, svc/main.py:19",
      "svc/main.py:9 `schema` returns `dict[str, Any]` with no `response_model=`",
      "svc/main.py:14 `healthz` has neither `response_model=` nor a return annotation",
      "svc/main.py:19 `stats` returns `dict[str, Any]` with no `response_model=`",
    ]);
  });
});

describe("C05 an async engine built around create_engine", () => {
  it("`AsyncEngine(create_engine(url))` is an async engine, and its inner create_engine is not a sync one", async () => {
    const c05 = item(
      await auditFiles({
        "app/main.py": APP,
        "app/db.py": `from sqlmodel import create_engine
from sqlmodel.ext.asyncio.session import AsyncEngine

engine = AsyncEngine(create_engine("postgresql+asyncpg://db/app"))
reports = create_engine("postgresql://db/reports")
`,
      }),
      "C05",
    );
    expect(lines(c05)).toEqual([
      "fail",
      "app/db.py:1 uses SQL: imports sqlmodel",
      "app/db.py:4 async engine: `AsyncEngine(create_engine(...))`",
      "1 sync engine outside tests and Alembic: app/db.py:5",
      "app/db.py:5 sync `create_engine(...)`",
    ]);
  });
});

describe("C06 Alembic shapes", () => {
  const revision = 'revision = "a1b2c3"\ndown_revision = None\n\nfrom alembic import op\nimport sqlalchemy as sa\n\ndef upgrade():\n    op.create_table("t", sa.Column("id", sa.Integer))\n';

  it("an alembic.ini without script_location under a pyproject [tool.alembic] is that config's other half", async () => {
    const c06 = item(
      await auditFiles({
        "svc/main.py": `${APP}import sqlalchemy\n`,
        "pyproject.toml": '[tool.alembic]\nscript_location = "%(here)s/svc/migrations"\n',
        "svc/alembic.ini": "[loggers]\nkeys = root\n\n[logger_root]\nlevel = WARN\nhandlers =\n",
        "svc/migrations/env.py": "from alembic import context\n",
        "svc/migrations/versions/a1b2c3_init.py": revision,
      }),
      "C06",
    );
    expect(lines(c06)).toEqual([
      "pass",
      "svc/alembic.ini holds the rest of the Alembic settings; `script_location` comes from pyproject.toml [tool.alembic]",
      "pyproject.toml script_location `svc/migrations`; env.py present; 1 revision in svc/migrations/versions",
      "svc/migrations/versions/a1b2c3_init.py a tracked revision",
    ]);
  });

  it("an app on asyncpg with raw SQL whose schema Alembic revisions manage is held to them", async () => {
    const files = {
      "svc/main.py": `${APP}import asyncpg\n`,
      "alembic.ini": "[alembic]\nscript_location = svc/migrations\n",
      "svc/migrations/env.py": "from alembic import context\n",
    };
    const withRevision = item(await auditFiles({ ...files, "svc/migrations/versions/a1b2c3_init.py": revision }), "C06");
    expect(lines(withRevision)).toEqual([
      "pass",
      "the app does not import sqlalchemy or sqlmodel, but Alembic revisions manage its database schema",
      "alembic.ini:1 script_location `svc/migrations`; env.py present; 1 revision in svc/migrations/versions",
      "svc/migrations/versions/a1b2c3_init.py a tracked revision",
    ]);
    // Without a revision it is still the stray-config case: not applicable.
    expect(item(await auditFiles(files), "C06").status).toBe("not_applicable");
  });
});

describe("C10 Dockerfile shapes", () => {
  it("resolves `FROM ${TARGET}` from a global ARG default and follows that stage", async () => {
    const c10 = item(
      await auditFiles({
        "app/main.py": APP,
        "Dockerfile": [
          "ARG TARGET=api",
          "FROM python:3.12-slim AS build",
          "RUN pip install --prefix=/install -r requirements.txt",
          "FROM python:3.12-slim AS api",
          "COPY --from=build /install /usr/local",
          'CMD ["uvicorn", "app.main:app"]',
          "FROM api AS worker",
          'CMD ["celery", "-A", "app.worker", "worker"]',
          "FROM ${TARGET}",
          "",
        ].join("\n"),
      }),
      "C10",
    );
    expect(c10.status).toBe("pass");
    expect(lines(c10)).toEqual([
      "pass",
      "Dockerfile:9 builds the Python app in 4 stages: `build` (`python:3.12-slim`, line 2), `api` (`python:3.12-slim`, line 4), `worker` (`api`, line 7), the final stage (`${TARGET}` = `api`, line 9)",
      "Dockerfile:5 `api` copies `/install` from `build`, which installs Python packages (line 3)",
      "Dockerfile no `USER`: the container runs as root",
      "Dockerfile:9 slim final base `python:3.12-slim`",
    ]);
  });

  it("says when the builder only exports a requirements list and the final image installs the packages", async () => {
    const c10 = item(
      await auditFiles({
        "app/main.py": APP,
        "Dockerfile": [
          "FROM python:3.12 AS reqs",
          "RUN pip install uv",
          "RUN uv export --no-hashes -o /tmp/requirements.txt",
          "FROM python:3.12-slim",
          "COPY --from=reqs /tmp/requirements.txt /srv/requirements.txt",
          "RUN pip install --no-cache-dir -r /srv/requirements.txt",
          "",
        ].join("\n"),
      }),
      "C10",
    );
    expect(lines(c10)).toContain("Dockerfile:5 the final stage copies `/tmp/requirements.txt` from `reqs`, which installs Python packages (line 2)");
    expect(lines(c10)).toContain("Dockerfile:6 the final image also installs Python packages itself: `pip install --no-cache-dir -r /srv/requirements.txt`");
  });
});

describe("C10 choosing the app's Dockerfile", () => {
  it("prefers the image that copies the app and starts it over a base image holding only the dependencies", async () => {
    const c10 = item(
      await auditFiles({
        "svc/main.py": APP,
        "svc/deps.Dockerfile": "FROM python:3.12-slim\nCOPY pyproject.toml uv.lock ./\nRUN uv sync --frozen --no-dev\n",
        "svc/Dockerfile": 'FROM example/svc-deps:1\nCOPY pyproject.toml uv.lock ./\nRUN uv sync --frozen --no-dev\nCOPY ./ ./\nCMD ["sh", "start.sh"]\n',
      }),
      "C10",
    );
    expect(lines(c10)[1]).toBe("svc/Dockerfile:1 builds the Python app in 1 stage: the final stage (`example/svc-deps:1`, line 1) (other Dockerfiles: svc/deps.Dockerfile)");
  });
});
