import { afterEach, describe, expect, it } from "vitest";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { connect, tempDir, type Connected } from "./helpers.js";

let conn: Connected | null = null;
afterEach(async () => {
  await conn?.close();
  conn = null;
});

const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;

const APP = `from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware

app = FastAPI(title="Shop", description="A shop")
app.add_middleware(GZipMiddleware, minimum_size=500)


@app.get("/ping", tags=["health"], summary="Ping")
def ping() -> str:
    return "pong"
`;

describe("audit_checklist tool", () => {
  it("audits a folder under the allowed root: ten items with the persona's text and evidence", async () => {
    const tmp = await tempDir({ "app/main.py": APP });
    try {
      conn = await connect({ flagRoots: [tmp.dir] });
      const r = (await conn.client.callTool({ name: "audit_checklist", arguments: { path: "." } })) as CallToolResult;
      expect(r.isError).toBeFalsy();
      const data = r.structuredContent as any;
      expect(data.items.map((i: any) => i.id)).toEqual(["C01", "C02", "C03", "C04", "C05", "C06", "C07", "C08", "C09", "C10"]);
      const c01 = data.items[0];
      expect(c01).toMatchObject({ item: "All routes async (where appropriate)", status: "fail" });
      expect(c01.evidence.some((e: any) => e.file === "app/main.py" && e.line === 9)).toBe(true);
      expect(c01.fix).toBeTruthy();
      expect(data.items.find((i: any) => i.id === "C08").status).toBe("pass");
      expect(data.items.find((i: any) => i.id === "C05").status).toBe("not_applicable");
      expect(data.summary.pass + data.summary.fail + data.summary.notApplicable).toBe(10);
      expect(text(r).split("\n")[0]).toBe(`${data.summary.pass} pass, ${data.summary.fail} fail, ${data.summary.notApplicable} not applicable (1 files read).`);
      expect(text(r)).toContain("FAIL C01 All routes async (where appropriate)");
    } finally {
      await tmp.cleanup();
    }
  });

  it("refuses a path outside the allowed roots and names them", async () => {
    const tmp = await tempDir({ "a.py": "x = 1\n" });
    try {
      conn = await connect({ flagRoots: [tmp.dir] });
      const r = (await conn.client.callTool({ name: "audit_checklist", arguments: { path: "/etc" } })) as CallToolResult;
      expect(r.isError).toBe(true);
      expect(text(r)).toContain(tmp.dir);
    } finally {
      await tmp.cleanup();
    }
  });
});

describe("validate_response tool", () => {
  it("returns the five checks in order with the persona's questions", async () => {
    conn = await connect();
    const r = (await conn.client.callTool({ name: "validate_response", arguments: { code: APP } })) as CallToolResult;
    const data = r.structuredContent as any;
    expect(data.checks.map((c: any) => `${c.name}:${c.status}`)).toEqual([
      "Async:fail",
      "Validation:pass",
      "Database:not_applicable",
      "Docs:pass",
      "Testing:fail",
    ]);
    expect(data.checks[0].question).toBe("All I/O is `async await`? No blocking?");
    expect(data.checks[0].reasons).toEqual(["snippet.py:9 route handler `ping` is a sync `def`; make it `async def` and await its I/O"]);
    expect(data.ok).toBe(false);
    expect(text(r).split("\n")[0]).toBe("Fails: Async, Testing.");
  });

  it("needs exactly one of code or files and never takes a path", async () => {
    conn = await connect();
    const none = (await conn.client.callTool({ name: "validate_response", arguments: {} })) as CallToolResult;
    expect(none.isError).toBe(true);
    expect(text(none)).toContain('give exactly one of "code" (a snippet) or "files"');
    const tools = await conn.client.listTools();
    const schema = tools.tools.find((t) => t.name === "validate_response")!.inputSchema as any;
    expect(Object.keys(schema.properties).sort()).toEqual(["code", "files"]);
  });
});
