import { describe, expect, it } from "vitest";
import { places, scanFiles } from "./helpers.js";

describe("FAPI002 sessions from a library global", () => {
  it("finds a session inherited over several classes, whichever class of the chain the scan reads first", async () => {
    // C0 -> C1 -> ... -> C13, which declares the sync session: too far to follow from C0, not from C6. The depth limit
    // that stops C0 must not leave the classes it passed through marked "no session" for the scan of C6..C12.
    const classes = Array.from({ length: 14 }, (_, i) =>
      i < 13 ? `class C${i}(C${i + 1}):\n    async def run(self):\n        return self.session.execute("SELECT 1")\n` : `class C${i}:\n    session: Session\n`,
    );
    for (const order of [classes, [...classes].reverse()]) {
      const source = ["from sqlalchemy.orm import Session", "", ...order].join("\n");
      const lines = source.split("\n");
      const result = await scanFiles({ "app/repos.py": source }, { select: ["FAPI002"] });
      const flagged = new Set(result.findings.map((f) => lines.slice(0, f.line).reverse().find((l) => l.startsWith("class "))));
      for (let i = 6; i <= 12; i++) expect(flagged.has(`class C${i}(C${i + 1}):`)).toBe(true);
    }
  });

  it("finds FastAPI-SQLAlchemy's db.session in a project that imports no SQLAlchemy session itself", async () => {
    const result = await scanFiles(
      {
        "app/main.py": [
          "from fastapi import FastAPI",
          "from fastapi_sqlalchemy import DBSessionMiddleware, db",
          "",
          "from app.models import User",
          "",
          "app = FastAPI()",
          'app.add_middleware(DBSessionMiddleware, db_url="sqlite://")',
          "",
          '@app.get("/users")',
          "async def users():",
          "    return db.session.query(User).all()",
          "",
        ].join("\n"),
        "app/models.py": "class User:\n    pass\n",
      },
      { select: ["FAPI002"] },
    );
    expect(places(result)).toEqual(["app/main.py:11 FAPI002"]);
  });

  it("does not take another library's db.session for it", async () => {
    const result = await scanFiles(
      {
        "app/main.py": [
          "from fastapi import FastAPI",
          "from mylib import db",
          "",
          "app = FastAPI()",
          "",
          '@app.get("/users")',
          "async def users():",
          "    return db.session.query(1).all()",
          "",
        ].join("\n"),
      },
      { select: ["FAPI002"] },
    );
    expect(places(result)).toEqual([]);
  });

  it("names a callee written over several lines on one line", async () => {
    const result = await scanFiles(
      {
        "app/main.py": [
          "from fastapi import FastAPI",
          "from fastapi_sqlalchemy import db",
          "",
          "from app.models import AgentRepositoryWithAVeryLongName",
          "",
          "app = FastAPI()",
          "",
          '@app.get("/agents/{agent_id}")',
          "async def agent(agent_id: int):",
          "    return (AgentRepositoryWithAVeryLongName",
          "            .get_agent_from_identifier_or_default)(session=db.session, agent_id=agent_id)",
          "",
        ].join("\n"),
        "app/models.py": "class AgentRepositoryWithAVeryLongName:\n    pass\n",
      },
      { select: ["FAPI002"] },
    );
    expect(result.findings.map((f) => `${f.line} ${f.message.split(" is given")[0]}`)).toEqual([
      "10 `(AgentRepositoryWithAVeryLongName.get_agent_from_identifi...`",
    ]);
  });
});
