import { afterEach, describe, expect, it } from "vitest";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { connect, tempDir, type Connected } from "./helpers.js";

const RETURNS_DICT = `from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
async def health():
    return {"status": "ok"}


@app.get("/quiet")
async def quiet():  # noqa: FAPI004
    return {"status": "ok"}
`;

let conn: Connected | null = null;
afterEach(async () => {
  await conn?.close();
  conn = null;
});

async function call(c: Connected, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await c.client.callTool({ name: "scan_anti_patterns", arguments: args })) as CallToolResult;
}

describe("scan_anti_patterns tool", () => {
  it("scans inline code as snippet.py and reports noqa suppressions", async () => {
    conn = await connect();
    const result = await call(conn, { code: RETURNS_DICT });
    expect(result.isError).toBeFalsy();
    const data = result.structuredContent as any;
    expect(data.findings.map((f: any) => `${f.file}:${f.line}:${f.column} ${f.rule}`)).toEqual(["snippet.py:7:1 FAPI004"]);
    expect(data.findings[0].fix).toContain("Return Pydantic Models");
    expect(data.summary).toMatchObject({ filesScanned: 1, findings: 1, suppressed: 1, byRule: { FAPI004: 1 } });
    expect(data.truncated).toBe(false);
    const text = (result.content[0] as { text: string }).text;
    expect(text).toContain("1 finding in 1 file: FAPI004 1");
    expect(text).toContain("snippet.py:7:1 FAPI004");
  });

  it("scans a folder under the allowed root with paths relative to it", async () => {
    const tmp = await tempDir({ "app/main.py": RETURNS_DICT, "app/ok.py": "x = 1\n" });
    try {
      conn = await connect({ flagRoots: [tmp.dir] });
      const result = await call(conn, { path: "app" });
      const data = result.structuredContent as any;
      expect(data.findings.map((f: any) => `${f.file}:${f.line}`)).toEqual(["main.py:7"]);
      expect(data.summary.filesScanned).toBe(2);
    } finally {
      await tmp.cleanup();
    }
  });

  it("caps findings at maxFindings and says so", async () => {
    conn = await connect();
    const code = Array.from({ length: 5 }, (_, i) => `@app.get("/r${i}")\nasync def r${i}():\n    return {"i": ${i}}\n`).join("\n");
    const result = await call(conn, { code, maxFindings: 2 });
    const data = result.structuredContent as any;
    expect(data.findings).toHaveLength(2);
    expect(data.summary.findings).toBe(5);
    expect(data.truncated).toBe(true);
    expect(data.truncatedReason).toBe("showing the first 2 of 5 findings (maxFindings)");
  });

  it("refuses unknown rule codes, unknown personas and more than one input", async () => {
    conn = await connect();
    const badRule = await call(conn, { code: "x = 1\n", select: ["FAPI999"] });
    expect(badRule.isError).toBe(true);
    expect((badRule.content[0] as { text: string }).text).toContain('unknown rule code "FAPI999" in select');
    const badPersona = await call(conn, { code: "x = 1\n", persona: "nobody" });
    expect(badPersona.isError).toBe(true);
    expect((badPersona.content[0] as { text: string }).text).toContain('unknown persona "nobody"');
    const two = await call(conn, { code: "x = 1\n", files: [{ path: "a.py", content: "y = 2\n" }] });
    expect(two.isError).toBe(true);
    expect((two.content[0] as { text: string }).text).toContain("give exactly one of");
  });

  it("sends progress notifications when the client asks for them", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++) files[`pkg/m${i}.py`] = `x${i} = ${i}\n`;
    const tmp = await tempDir(files);
    try {
      conn = await connect({ flagRoots: [tmp.dir] });
      const progress: { progress: number; total?: number }[] = [];
      await conn.client.callTool({ name: "scan_anti_patterns", arguments: { path: tmp.dir } }, undefined, {
        onprogress: (p) => progress.push({ progress: p.progress, ...(p.total !== undefined ? { total: p.total } : {}) }),
      });
      expect(progress.length).toBeGreaterThan(0);
      expect(progress[progress.length - 1]).toEqual({ progress: 30, total: 30 });
    } finally {
      await tmp.cleanup();
    }
  });
});
