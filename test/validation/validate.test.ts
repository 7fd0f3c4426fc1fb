import { describe, expect, it } from "vitest";
import { validateResponse } from "../../src/validation/validate.js";
import { bundledPersonasDir, loadPersonas } from "../../src/persona/load.js";
import { inlineProject } from "../rules/helpers.js";

const persona = (await loadPersonas([bundledPersonasDir()])).personas[0]!.persona;

const GOOD_APP = `from typing import Annotated, AsyncIterator

from fastapi import APIRouter, Depends, FastAPI
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

engine = create_async_engine("postgresql+asyncpg://app@db/app", pool_pre_ping=True)
SessionMaker = async_sessionmaker(engine, expire_on_commit=False)


async def get_db() -> AsyncIterator[AsyncSession]:
    async with SessionMaker() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_db)]


class ItemOut(BaseModel):
    id: int
    name: str


class ItemIn(BaseModel):
    name: str


router = APIRouter(prefix="/items", tags=["items"])


@router.get("/{item_id}")
async def read_item(item_id: int, db: SessionDep) -> ItemOut:
    """Read one item."""
    row = (await db.execute(select(Item).where(Item.id == item_id))).scalar_one()
    return ItemOut(id=row.id, name=row.name)


@router.post("/", summary="Create an item")
async def create_item(item: ItemIn, db: SessionDep) -> ItemOut:
    obj = Item(name=item.name)
    db.add(obj)
    await db.commit()
    return ItemOut(id=obj.id, name=obj.name)


app = FastAPI(title="Shop", description="Items")
app.include_router(router)
`;

const GOOD_TEST = `import pytest
from httpx import ASGITransport, AsyncClient

from app.main import app


@pytest.mark.anyio
async def test_read_item():
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        response = await client.get("/items/1")
    assert response.status_code == 200
`;

const BAD_APP = `import requests
from fastapi import FastAPI, HTTPException
from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

engine = create_engine("sqlite:///app.db")
SessionLocal = sessionmaker(bind=engine)
app = FastAPI()


@app.get("/users/{user_id}")
async def read_user(user_id: int):
    db = SessionLocal()
    user = db.query(User).get(user_id)
    requests.post("https://audit.example.com", json={"user": user_id})
    return {"id": user.id}


@app.post("/users")
def create_user(payload: dict):
    if len(payload.get("name", "")) > 50:
        raise HTTPException(status_code=400, detail="name too long")
    return payload
`;

const SYNC_TEST = `from fastapi.testclient import TestClient
from main import app

client = TestClient(app)


def test_read_user():
    assert client.get("/users/1").status_code == 200
`;

describe("validate_response core", () => {
  it("passes all five checks on a well-formed answer with an AsyncClient test", async () => {
    const result = await validateResponse(inlineProject({ "app/main.py": GOOD_APP, "tests/test_items.py": GOOD_TEST }), { persona });
    expect(result.checks.map((c) => [c.name, c.status])).toEqual([
      ["Async", "pass"],
      ["Validation", "pass"],
      ["Database", "pass"],
      ["Docs", "pass"],
      ["Testing", "pass"],
    ]);
    expect(result.ok).toBe(true);
    expect(result.checks[0]!.question).toBe("All I/O is `async await`? No blocking?");
    expect(result.checks[4]!.reasons).toEqual(["tests call the app through `httpx.AsyncClient` (tests/test_items.py:9)"]);
  });

  it("fails each check with the reasons a reviewer would give", async () => {
    const result = await validateResponse(inlineProject({ "main.py": BAD_APP, "test_main.py": SYNC_TEST }), { persona });
    const byName = Object.fromEntries(result.checks.map((c) => [c.name, c]));
    expect(result.ok).toBe(false);
    expect(byName.Async!.status).toBe("fail");
    expect(byName.Async!.reasons.some((r) => r.startsWith("main.py:14 FAPI002"))).toBe(true);
    expect(byName.Async!.reasons.some((r) => r.startsWith("main.py:15 FAPI101"))).toBe(true);
    expect(byName.Async!.reasons).toContain("main.py:20 route handler `create_user` is a sync `def`; make it `async def` and await its I/O");
    expect(byName.Validation!.status).toBe("fail");
    expect(byName.Validation!.reasons.some((r) => r.startsWith("main.py:12 FAPI004"))).toBe(true);
    expect(byName.Validation!.reasons.some((r) => r.startsWith("main.py:21 FAPI005"))).toBe(true);
    expect(byName.Validation!.reasons.some((r) => r.includes("payload: dict"))).toBe(true);
    expect(byName.Database!.status).toBe("fail");
    expect(byName.Database!.reasons).toContain("no async engine or session: use `create_async_engine`, `async_sessionmaker` and `AsyncSession`");
    expect(byName.Database!.reasons.some((r) => r.startsWith("main.py:6 sync engine `create_engine(...)`"))).toBe(true);
    expect(byName.Database!.reasons.some((r) => r.startsWith("main.py:13 `read_user` opens its own session"))).toBe(true);
    expect(byName.Docs!.status).toBe("fail");
    expect(byName.Docs!.reasons).toContain("main.py:8 `FastAPI(...)` has no `title=`");
    expect(byName.Docs!.reasons).toContain("main.py:12 route `read_user` has no tags and no summary, description or docstring");
    expect(byName.Testing!.status).toBe("fail");
    expect(byName.Testing!.reasons[0]).toMatch(/^tests use the sync `TestClient` \(test_main\.py:4\)/);
  });

  it("marks checks not applicable when the snippet has nothing for them, and fails Testing without tests", async () => {
    const result = await validateResponse(inlineProject({ "snippet.py": "TAX_RATE = 0.2\n" }), { persona });
    expect(result.checks.map((c) => [c.name, c.status])).toEqual([
      ["Async", "not_applicable"],
      ["Validation", "not_applicable"],
      ["Database", "not_applicable"],
      ["Docs", "not_applicable"],
      ["Testing", "fail"],
    ]);
    expect(result.ok).toBe(false);
  });

  it("counts test functions written in the same snippet as tests", async () => {
    const code = `${GOOD_APP}\n\n${GOOD_TEST.replace("from app.main import app\n", "")}`;
    const result = await validateResponse(inlineProject({ "snippet.py": code }), { persona });
    expect(result.checks.find((c) => c.name === "Testing")!.status).toBe("pass");
  });

  it("refuses personas without pre-response checks", async () => {
    await expect(validateResponse(inlineProject({ "a.py": "x = 1\n" }), { persona: { ...persona, name: "django-pro" } })).rejects.toThrow(
      'persona "django-pro" has no pre-response checks implemented; personas with checks: fastapi-pro',
    );
  });
});
