import { describe, expect, it } from "vitest";
import { places, scanFiles } from "./helpers.js";

describe("FAPI005 across files", () => {
  it("judges a dependency factory the same whether a deeper chain reached it first or not", async () => {
    // f0() -> f1() -> ... -> f13() -> Depends(checker): too deep to follow from f0, but f6() is close enough. Asking
    // about f0 first must not leave f6 marked "returns no Depends".
    const factories = Array.from({ length: 14 }, (_, i) =>
      i < 13 ? `def f${i}():\n    return f${i + 1}()\n` : `def f${i}():\n    return Depends(checker)\n`,
    );
    const source = [
      "from fastapi import APIRouter, Depends, HTTPException",
      "",
      "def checker():",
      "    return None",
      "",
      ...factories,
      "router = APIRouter()",
      "",
      '@router.get("/deep")',
      "async def deep(user=f0()):",
      "    if user is None:",
      "        raise HTTPException(status_code=400)",
      "",
      '@router.get("/near")',
      "async def near(user=f6()):",
      "    if user is None:",
      "        raise HTTPException(status_code=400)",
      "",
    ].join("\n");
    const result = await scanFiles({ "app/routes.py": source }, { select: ["FAPI005"] });
    const deepIf = source.split("\n").indexOf("async def deep(user=f0()):") + 2;
    expect(places(result)).toEqual([`app/routes.py:${deepIf} FAPI005`]);
  });

  it("treats parameters filled through an imported Annotated alias as dependencies, not request input", async () => {
    const result = await scanFiles(
      {
        "app/deps.py": [
          "from typing import Annotated",
          "from fastapi import Depends",
          "",
          "def get_current_user():",
          "    return None",
          "",
          "CurrentUser = Annotated[dict, Depends(get_current_user)]",
          "",
        ].join("\n"),
        "app/errors.py": 'from fastapi import HTTPException\n\nBAD_LIMIT = HTTPException(status_code=400, detail="limit too high")\nMAX_LIMIT = 100\n',
        "app/routes.py": [
          "from fastapi import APIRouter",
          "from app.deps import CurrentUser",
          "from app.errors import BAD_LIMIT, MAX_LIMIT",
          "",
          "router = APIRouter()",
          "",
          '@router.get("/items")',
          "async def items(user: CurrentUser, limit: int = 10):",
          '    if not user["active"]:',
          "        raise BAD_LIMIT",
          "    if limit > MAX_LIMIT:",
          "        raise BAD_LIMIT",
          "    return []",
          "",
        ].join("\n"),
      },
      { select: ["FAPI005"] },
    );
    expect(places(result)).toEqual(["app/routes.py:11 FAPI005"]);
  });
});

describe("FAPI004 and FAPI005 in test code", () => {
  it("leave apps defined inside tests alone, and still fire on the same code outside tests", async () => {
    const app = `from fastapi import FastAPI, HTTPException

app = FastAPI()


@app.get("/items")
async def items(limit: int):
    if limit > 100:
        raise HTTPException(status_code=400, detail="limit too large")
    return {"limit": limit}
`;
    const inTests = await scanFiles({ "tests/test_items.py": app, "conftest.py": app }, { select: ["FAPI004", "FAPI005"] });
    expect(inTests.findings).toEqual([]);
    const inApp = await scanFiles({ "app/items.py": app }, { select: ["FAPI004", "FAPI005"] });
    expect(inApp.findings.map((f) => `${f.line} ${f.rule}`)).toEqual(["7 FAPI004", "8 FAPI005"]);
  });
});
