import { describe, expect, it } from "vitest";
import { places, scanFiles } from "./helpers.js";

// Cases the single-file fixture cannot express: other modules, test paths.
describe("FAPI001 global-state across files", () => {
  it("does not report a container that only another module mutates", async () => {
    const result = await scanFiles(
      {
        "app/state.py": "cache = {}\n",
        "app/routes.py": "from app.state import cache\n\n\ndef remember(key, value):\n    cache[key] = value\n",
      },
      { select: ["FAPI001"] },
    );
    expect(places(result)).toEqual([]);
  });

  it("reports a session opened at import time from a factory defined in another module", async () => {
    const result = await scanFiles(
      {
        "app/db.py": "from sqlalchemy import create_engine\nfrom sqlalchemy.orm import sessionmaker\n\nSessionLocal = sessionmaker(bind=create_engine('sqlite://'))\n",
        "app/crud.py": "from app.db import SessionLocal\n\ndb = SessionLocal()\n",
      },
      { select: ["FAPI001"] },
    );
    expect(places(result)).toEqual(["app/crud.py:3 FAPI001"]);
  });

  it("does not check test code", async () => {
    const source = "import sqlite3\n\ncalls = []\nconn = sqlite3.connect(':memory:')\n\n\ndef fake_send(x):\n    global conn\n    calls.append(x)\n";
    const result = await scanFiles(
      { "tests/test_mail.py": source, "app/conftest.py": source, "app/mail_test.py": source, "app/mail.py": source },
      { select: ["FAPI001"] },
    );
    expect(places(result)).toEqual(["app/mail.py:3 FAPI001", "app/mail.py:4 FAPI001", "app/mail.py:8 FAPI001"]);
  });
});
