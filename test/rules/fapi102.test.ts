import { describe, expect, it } from "vitest";
import { places, scanFiles } from "./helpers.js";

describe("FAPI102 across files", () => {
  it("follows the origins list and CORSMiddleware through project imports", async () => {
    const result = await scanFiles(
      {
        "app/core/cors.py": 'from starlette.middleware.cors import CORSMiddleware\n\nORIGINS = ["*"]\nSAFE = ["https://app.example.com"]\n',
        "app/main.py": [
          "from fastapi import FastAPI",
          "from app.core import cors",
          "from app.core.cors import CORSMiddleware, ORIGINS, SAFE",
          "",
          "app = FastAPI()",
          "app.add_middleware(CORSMiddleware, allow_origins=ORIGINS, allow_credentials=True)",
          "app.add_middleware(CORSMiddleware, allow_origins=cors.ORIGINS, allow_credentials=True)",
          "app.add_middleware(CORSMiddleware, allow_origins=SAFE, allow_credentials=True)",
          "",
        ].join("\n"),
      },
      { select: ["FAPI102"] },
    );
    expect(places(result)).toEqual(["app/main.py:6 FAPI102", "app/main.py:7 FAPI102"]);
  });

  it("follows an environment read with a wildcard fallback defined in a config module", async () => {
    const result = await scanFiles(
      {
        "app/env.py": 'import os\n\nALLOWED = os.environ.get("ALLOWED", "*").split(";")\nPINNED = os.environ.get("PINNED", "https://a.example").split(";")\n',
        "app/main.py": [
          "from fastapi import FastAPI",
          "from fastapi.middleware.cors import CORSMiddleware",
          "from app.env import ALLOWED, PINNED",
          "",
          "app = FastAPI()",
          "app.add_middleware(CORSMiddleware, allow_origins=ALLOWED, allow_credentials=True)",
          "app.add_middleware(CORSMiddleware, allow_origins=PINNED, allow_credentials=True)",
          "app.add_middleware(CORSMiddleware, allow_origins=ALLOWED)",
          "",
        ].join("\n"),
      },
      { select: ["FAPI102"] },
    );
    expect(places(result)).toEqual(["app/main.py:6 FAPI102"]);
  });

  it("follows a settings field to its default, the value wherever the environment does not set it", async () => {
    const result = await scanFiles(
      {
        "app/core/config.py": [
          "from functools import lru_cache",
          "from pydantic import Field",
          "from pydantic_settings import BaseSettings",
          "",
          "class Base(BaseSettings):",
          '    INHERITED: list[str] = ["*"]',
          "",
          "class Settings(Base):",
          '    CORS_ORIGINS: list[str] = ["*"]',
          '    TRUSTED: list[str] = ["https://app.example.com"]',
          "    REQUIRED: list[str]",
          '    FACTORY: list[str] = Field(default_factory=lambda: ["*"])',
          '    PINNED: list[str] = Field(["https://a.example"])',
          '    STAR: str = Field(default="*")',
          "",
          "settings = Settings()",
          "",
          "@lru_cache",
          "def get_settings() -> Settings:",
          "    return Settings()",
          "",
        ].join("\n"),
        "app/main.py": [
          "from fastapi import FastAPI",
          "from fastapi.middleware.cors import CORSMiddleware",
          "from app.core.config import get_settings, settings",
          "",
          "app = FastAPI()",
          "app.add_middleware(CORSMiddleware, allow_origins=settings.CORS_ORIGINS, allow_credentials=True)",
          "app.add_middleware(CORSMiddleware, allow_origins=settings.TRUSTED, allow_credentials=True)",
          "app.add_middleware(CORSMiddleware, allow_origins=settings.REQUIRED, allow_credentials=True)",
          "app.add_middleware(CORSMiddleware, allow_origins=settings.FACTORY, allow_credentials=True)",
          "app.add_middleware(CORSMiddleware, allow_origins=settings.PINNED, allow_credentials=True)",
          "app.add_middleware(CORSMiddleware, allow_origins=[settings.STAR], allow_credentials=True)",
          "app.add_middleware(CORSMiddleware, allow_origins=settings.INHERITED, allow_credentials=True)",
          "app.add_middleware(CORSMiddleware, allow_origins=get_settings().CORS_ORIGINS, allow_credentials=True)",
          "app.add_middleware(CORSMiddleware, allow_origins=settings.CORS_ORIGINS)",
          "",
        ].join("\n"),
      },
      { select: ["FAPI102"] },
    );
    expect(places(result)).toEqual(["app/main.py:6 FAPI102", "app/main.py:9 FAPI102", "app/main.py:11 FAPI102", "app/main.py:12 FAPI102", "app/main.py:13 FAPI102"]);
  });

  it("does not check test code: a test app's CORS never answers a browser", async () => {
    const app =
      'from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n';
    const result = await scanFiles({ "tests/conftest.py": app, "pkg/core/tests/conftest.py": app, "app/main.py": app }, { select: ["FAPI102"] });
    expect(places(result)).toEqual(["app/main.py:5 FAPI102"]);
  });

  it("does not take a project class that happens to be called CORSMiddleware for Starlette's", async () => {
    const result = await scanFiles(
      {
        "app/cors.py": "class CORSMiddleware:\n    def __init__(self, app, **kw):\n        self.app = app\n",
        "app/main.py": 'from fastapi import FastAPI\nfrom app.cors import CORSMiddleware\n\napp = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n',
      },
      { select: ["FAPI102"] },
    );
    expect(places(result)).toEqual([]);
  });
});
