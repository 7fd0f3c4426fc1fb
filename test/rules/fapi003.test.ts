import { describe, expect, it } from "vitest";
import { places, scanFiles } from "./helpers.js";

// Cases the single-file fixture cannot express: test paths and other modules.
describe("FAPI003 hardcoded-auth beyond one file", () => {
  const auth = [
    "from fastapi import FastAPI, Header, HTTPException",
    "",
    "app = FastAPI()",
    'SECRET_KEY = "test-secret"',
    "",
    "",
    "def fake_login(password: str):",
    '    if password != "letmein":',
    "        raise HTTPException(status_code=401)",
    '    assert password == "letmein"',
    "",
    "",
    '@app.get("/")',
    "async def root(x_token: str = Header()):",
    "    return x_token",
    "",
  ].join("\n");

  it("skips hardcoded secrets (1) in test code but still reports comparisons (2) and handler headers (3)", async () => {
    const result = await scanFiles(
      { "tests/test_auth.py": auth, "conftest.py": auth, "app/auth_test.py": auth, "app/auth.py": auth },
      { select: ["FAPI003"] },
    );
    expect(places(result)).toEqual([
      "app/auth.py:4 FAPI003",
      "app/auth.py:8 FAPI003",
      "app/auth.py:14 FAPI003",
      "app/auth_test.py:8 FAPI003",
      "app/auth_test.py:14 FAPI003",
      "conftest.py:8 FAPI003",
      "conftest.py:14 FAPI003",
      "tests/test_auth.py:8 FAPI003",
      "tests/test_auth.py:14 FAPI003",
    ]);
  });

  it("counts a line Bandit's `# nosec` marks as suppressed, as `# noqa: FAPI003` would", async () => {
    const source = 'TOKEN = "123:ABC"  # nosec B105\nPASSWORD = "hunter2"  # nosec B101\nAPI_KEY = "k-9f8e7d"  # nosec\n';
    const result = await scanFiles({ "app/bot.py": source }, { select: ["FAPI003"] });
    expect(places(result)).toEqual(["app/bot.py:2 FAPI003"]);
    expect(result.summary.suppressed).toBe(2);
  });

  it("counts a line detect-secrets' `# pragma: allowlist secret` marks as suppressed, for FAPI003 only", async () => {
    const source = [
      'JWT_SECRET_KEY = "unit-test-secret"  # pragma: allowlist secret',
      'API_KEY = "k-9f8e7d"  # pragma: allowlist nothing',
      'app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)  # pragma: allowlist secret',
      "",
    ].join("\n");
    const result = await scanFiles({ "app/settings.py": source }, { select: ["FAPI003", "FAPI102"] });
    expect(places(result)).toEqual(["app/settings.py:2 FAPI003", "app/settings.py:3 FAPI102"]);
    expect(result.summary.suppressed).toBe(1);
  });

  it("skips a model column compared inside a query's arguments in test code, not in app code", async () => {
    const lookup = [
      "from sqlalchemy import select",
      "from app.models import RefreshToken",
      "",
      "",
      "async def find(session):",
      "    row = await session.scalar(",
      '        select(RefreshToken).where(RefreshToken.refresh_token == "blaxx")',
      "    )",
      '    rows = await session.scalars(select(RefreshToken).where((RefreshToken.refresh_token != "old") & RefreshToken.used))',
      '    if row.refresh_token == "blaxx":',
      "        return row",
      "",
    ].join("\n");
    const result = await scanFiles({ "tests/test_refresh.py": lookup, "app/refresh.py": lookup }, { select: ["FAPI003"] });
    expect(places(result)).toEqual([
      "app/refresh.py:7 FAPI003",
      "app/refresh.py:9 FAPI003",
      "app/refresh.py:10 FAPI003",
      "tests/test_refresh.py:10 FAPI003",
    ]);
  });

  it("skips hardcoded secrets (1) in test-support packages (testcontainers' passwords), not in modules named alike", async () => {
    const support = 'from testcontainers.postgres import PostgresContainer\n\npg = PostgresContainer("postgres:16", password="develove")\nADMIN_PASSWORD = "admin-pass-1"\n';
    const result = await scanFiles(
      {
        "src/pkg/testutils/bootstrap.py": support,
        "src/pkg/testing/containers.py": support,
        "app/test_utils/db.py": support,
        "app/utils/test_helpers/checkpoint.py": support,
        "backend/utils/testing_support/auth.py": support,
        "app/testing_policy.py": support,
        "app/contest/entries.py": support,
      },
      { select: ["FAPI003"] },
    );
    expect(places(result)).toEqual([
      "app/contest/entries.py:3 FAPI003",
      "app/contest/entries.py:4 FAPI003",
      "app/testing_policy.py:3 FAPI003",
      "app/testing_policy.py:4 FAPI003",
    ]);
  });

  it("skips hardcoded secrets (1) in seeds, fixtures, factories, fakers, migrations and docs, not in app modules named alike", async () => {
    const seed = 'from app.models import Account\n\nDEMO_PASSWORD = "demo-pass-1"\nadmin = Account(name="admin", api_key="demo-key-1")\n';
    const result = await scanFiles(
      {
        "scripts/seed_accounts.py": seed,
        "app/db/seeds/accounts.py": seed,
        "database/seeders/accounts.py": seed,
        "app/db/account_seeder.py": seed,
        "app/fixtures/accounts.py": seed,
        "app/factories.py": seed,
        "apps/accounts/faker/data.py": seed,
        "app/fakers.py": seed,
        "alembic/versions/0001_accounts.py": seed,
        "app/migrations/0002_accounts.py": seed,
        "docs/examples/accounts.py": seed,
        "doctests/cmds_accounts.py": seed,
        "app/seeding_policy.py": seed,
        "app/fake_news_filter.py": seed,
        "app/accounts.py": seed,
      },
      { select: ["FAPI003"] },
    );
    expect(places(result)).toEqual([
      "app/accounts.py:3 FAPI003",
      "app/accounts.py:4 FAPI003",
      "app/fake_news_filter.py:3 FAPI003",
      "app/fake_news_filter.py:4 FAPI003",
      "app/seeding_policy.py:3 FAPI003",
      "app/seeding_policy.py:4 FAPI003",
    ]);
  });

  it("follows a Starlette Config instance and a jwt alias defined in another module", async () => {
    const result = await scanFiles(
      {
        "app/core/config.py": 'from starlette.config import Config\n\nconfig = Config(".env")\n',
        "app/core/security.py": [
          "from jose import jwt as j",
          "from app.core.config import config",
          "",
          'KEY = config("APP_SECRET_KEY", default="insecure")',
          "",
          "",
          "def sign(claims):",
          '    return j.encode(claims, "inline-key")',
          "",
        ].join("\n"),
      },
      { select: ["FAPI003"] },
    );
    expect(places(result)).toEqual(["app/core/security.py:4 FAPI003", "app/core/security.py:8 FAPI003"]);
  });

  it("does not report a handler whose auth header is read by a dependency in another module", async () => {
    const result = await scanFiles(
      {
        "app/deps.py": "from fastapi import Header\n\n\nasync def verify(x_token: str = Header()):\n    return x_token\n",
        "app/main.py":
          'from fastapi import Depends, FastAPI\nfrom app.deps import verify\n\napp = FastAPI()\n\n\n@app.get("/", dependencies=[Depends(verify)])\nasync def root():\n    return "ok"\n',
      },
      { select: ["FAPI003"] },
    );
    expect(places(result)).toEqual([]);
  });

  it("reports a shipped default where it is assigned, not again where code refuses to run with it", async () => {
    const result = await scanFiles(
      {
        "app/core/config.py": [
          "import os",
          "from pydantic_settings import BaseSettings",
          "",
          "",
          "class Settings(BaseSettings):",
          '    SEED_DEMO_PASSWORD: str = "acme-demo-1"',
          "",
          "",
          'ADMIN_TOKEN = os.getenv("ADMIN_TOKEN", "acme-admin-2")',
          "settings = Settings()",
          "",
        ].join("\n"),
        "app/scripts/seed.py": [
          "from app.core.config import ADMIN_TOKEN, settings",
          "",
          "",
          "def seed(env: str, password: str):",
          '    if env != "local" and settings.SEED_DEMO_PASSWORD == "acme-demo-1":',
          '        raise SystemExit("refusing to seed the default demo password")',
          '    if ADMIN_TOKEN == "acme-admin-2":',
          '        raise SystemExit("set ADMIN_TOKEN")',
          '    if settings.SEED_DEMO_PASSWORD == "letmein":',
          "        return True",
          '    return password == "acme-demo-1"',
          "",
        ].join("\n"),
      },
      { select: ["FAPI003"] },
    );
    // The defaults fire where assigned; another literal, or another name holding the default, is still a check.
    expect(places(result)).toEqual(["app/core/config.py:6 FAPI003", "app/core/config.py:9 FAPI003", "app/scripts/seed.py:9 FAPI003", "app/scripts/seed.py:11 FAPI003"]);
  });
});
