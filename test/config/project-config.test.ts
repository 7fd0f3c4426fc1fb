import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { configMatchers } from "../../src/config/matchers.js";
import { checkConfigCodes, findProjectConfig, parseProjectConfig } from "../../src/config/project-config.js";
import { UserError } from "../../src/core/errors.js";
import { createAccessPolicy } from "../../src/files/roots.js";
import { connect } from "../server/helpers.js";

const CODES = ["FAPI001", "FAPI002", "FAPI003", "FAPI004", "FAPI005", "FAPI101", "FAPI102"];

describe("parseProjectConfig", () => {
  it("reads every key, upper-casing rule codes", () => {
    const text = `[project]\nname = "x"\n\n[tool.persona-mcp]\nselect = ["fapi0"]\nignore = ["FAPI004"]\nexclude = ["migrations/"]\nmax-findings = 50\n\n[tool.persona-mcp.per-file-ignores]\n"tests/**" = ["FAPI003"]\n`;
    expect(parseProjectConfig(text, "/p/pyproject.toml")).toEqual({
      file: "/p/pyproject.toml",
      dir: "/p",
      select: ["FAPI0"],
      ignore: ["FAPI004"],
      exclude: ["migrations/"],
      maxFindings: 50,
      perFileIgnores: { "tests/**": ["FAPI003"] },
    });
  });

  it("returns null for a pyproject.toml without the table", () => {
    expect(parseProjectConfig(`[tool.ruff]\nline-length = 100\n`, "/p/pyproject.toml")).toBeNull();
  });

  it("accepts an empty table: present, with nothing to change", () => {
    expect(parseProjectConfig(`[tool.persona-mcp]\n`, "/p/pyproject.toml")).toEqual({ file: "/p/pyproject.toml", dir: "/p" });
  });

  it("rejects unknown keys and wrong types, naming the file and the key", () => {
    const err = (text: string): string => {
      try {
        parseProjectConfig(text, "/p/pyproject.toml");
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        return (e as Error).message;
      }
      throw new Error("expected an error");
    };
    expect(err(`[tool.persona-mcp]\nper_file_ignores = {}`)).toBe(
      `/p/pyproject.toml: [tool.persona-mcp] has an unknown key "per_file_ignores"; did you mean "per-file-ignores"? (known keys: select, ignore, exclude, per-file-ignores, max-findings)`,
    );
    expect(err(`[tool.persona-mcp]\nexclude = [1]`)).toBe(
      `/p/pyproject.toml: [tool.persona-mcp] exclude must be a list of strings, e.g. exclude = ["migrations/", "scripts/*.py"]`,
    );
    expect(err(`[tool.persona-mcp]\nmax-findings = 2.5`)).toBe(
      `/p/pyproject.toml: [tool.persona-mcp] max-findings must be a positive whole number, e.g. max-findings = 200`,
    );
    expect(err(`[tool.persona-mcp]\nper-file-ignores = ["x"]`)).toMatch(/per-file-ignores must be a table of glob = \[codes\]/);
    expect(err(`[tool]\npersona-mcp = 3`)).toBe(`/p/pyproject.toml: tool.persona-mcp must be a table, written [tool.persona-mcp]`);
  });
});

describe("checkConfigCodes", () => {
  it("accepts codes and prefixes, and names the key of an unknown one", () => {
    const config = { file: "/p/pyproject.toml", dir: "/p", select: ["FAPI0", "FAPI101"] };
    expect(() => checkConfigCodes(config, CODES)).not.toThrow();
    expect(() => checkConfigCodes({ ...config, perFileIgnores: { "a.py": ["FAPI2"] } }, CODES)).toThrow(
      `/p/pyproject.toml: [tool.persona-mcp] per-file-ignores "a.py": unknown rule code "FAPI2"; known codes: ${CODES.join(", ")}`,
    );
  });
});

describe("configMatchers", () => {
  it("matches gitignore-style globs relative to the configuration's folder, from a scanned sub-folder", () => {
    const m = configMatchers(
      { file: "/p/pyproject.toml", dir: "/p", exclude: ["/app/legacy/", "*_pb2.py"], perFileIgnores: { "app/api/*.py": ["FAPI004"], "__init__.py": ["FAPI001"] } },
      "/p/app",
    );
    expect(m.isExcluded("legacy/old.py")).toBe(true);
    expect(m.isExcluded("api/users.py")).toBe(false);
    expect(m.isExcluded("api/users_pb2.py")).toBe(true);
    expect(m.ignoredCodes("api/users.py")).toEqual(["FAPI004"]);
    expect(m.ignoredCodes("api/v2/users.py")).toEqual([]);
    expect(m.ignoredCodes("api/__init__.py")).toEqual(["FAPI004", "FAPI001"]);
  });
});

describe("findProjectConfig", () => {
  let tmp: string | null = null;
  afterEach(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
    tmp = null;
  });

  it("takes the nearest pyproject.toml with the table, passing over those without, inside the allowed roots only", async () => {
    tmp = await realpath(await mkdtemp(path.join(os.tmpdir(), "persona-config-")));
    await mkdir(path.join(tmp, "repo/svc/app"), { recursive: true });
    await writeFile(path.join(tmp, "pyproject.toml"), `[tool.persona-mcp]\nselect = ["FAPI001"]\n`);
    await writeFile(path.join(tmp, "repo/pyproject.toml"), `[tool.persona-mcp]\nselect = ["FAPI004"]\n`);
    await writeFile(path.join(tmp, "repo/svc/pyproject.toml"), `[project]\nname = "persona-mcp-demo"\n`);
    const inRepo = await createAccessPolicy({ flagRoots: [path.join(tmp, "repo")], cwd: tmp });
    const found = await findProjectConfig(path.join(tmp, "repo/svc/app"), inRepo);
    expect(found).toMatchObject({ file: path.join(tmp, "repo/pyproject.toml"), select: ["FAPI004"] });
    // The file above the allowed root is never read.
    const onlyApp = await createAccessPolicy({ flagRoots: [path.join(tmp, "repo/svc")], cwd: tmp });
    expect(await findProjectConfig(path.join(tmp, "repo/svc/app"), onlyApp)).toBeNull();
  });
});

describe("the scan_anti_patterns MCP tool honours the configuration", () => {
  let tmp: string | null = null;
  afterEach(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
    tmp = null;
  });

  const ROUTES = `import time\nfrom fastapi import APIRouter\nrouter = APIRouter()\n\n@router.get("/health")\nasync def health():\n    return {"ok": True}\n\nasync def pause():\n    time.sleep(1)\n`;

  it("applies select and exclude from pyproject.toml; tool arguments replace select", async () => {
    tmp = await realpath(await mkdtemp(path.join(os.tmpdir(), "persona-config-mcp-")));
    await mkdir(path.join(tmp, "app"));
    await mkdir(path.join(tmp, "legacy"));
    await writeFile(path.join(tmp, "app/routes.py"), ROUTES);
    await writeFile(path.join(tmp, "legacy/old.py"), ROUTES);
    await writeFile(path.join(tmp, "pyproject.toml"), `[tool.persona-mcp]\nselect = ["FAPI101"]\nexclude = ["legacy/"]\n`);
    const conn = await connect({ flagRoots: [tmp] });
    try {
      const call = async (args: Record<string, unknown>) =>
        (await conn.client.callTool({ name: "scan_anti_patterns", arguments: args })) as CallToolResult;
      const configured = (await call({ path: tmp })).structuredContent as any;
      expect(configured.findings.map((f: any) => `${f.file}:${f.line} ${f.rule}`)).toEqual(["app/routes.py:10 FAPI101"]);
      expect(configured.summary.filesScanned).toBe(1);
      const overridden = (await call({ path: tmp, select: ["FAPI004"] })).structuredContent as any;
      expect(overridden.findings.map((f: any) => `${f.file}:${f.line} ${f.rule}`)).toEqual(["app/routes.py:6 FAPI004"]);

      await writeFile(path.join(tmp, "pyproject.toml"), `[tool.persona-mcp]\nselect = ["FAPI7"]\n`);
      const broken = await call({ path: tmp });
      expect(broken.isError).toBe(true);
      expect((broken.content[0] as { text: string }).text).toContain(
        `${tmp}/pyproject.toml: [tool.persona-mcp] select: unknown rule code "FAPI7"`,
      );
    } finally {
      await conn.close();
    }
  });
});
