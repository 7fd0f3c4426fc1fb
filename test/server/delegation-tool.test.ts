import { afterEach, describe, expect, it } from "vitest";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { connect, tempDir, type Connected } from "./helpers.js";

let conn: Connected | null = null;
afterEach(async () => {
  await conn?.close();
  conn = null;
});

const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;

describe("lookup_delegation tool", () => {
  it("routes the issue's three boundary examples", async () => {
    conn = await connect();
    const ask = async (task: string) =>
      (await conn!.client.callTool({ name: "lookup_delegation", arguments: { task } })) as CallToolResult;
    const client = await ask("generate a TypeScript client from our FastAPI OpenAPI schema");
    expect(client.structuredContent).toMatchObject({ decision: "delegate", delegate: "frontend-developer", when: "API consumption, OpenAPI gen" });
    const jwt = await ask("add JWT auth with OAuth2PasswordBearer");
    expect(jwt.structuredContent).toMatchObject({ decision: "handle", delegate: null, when: null });
    const google = await ask("Google login for our FastAPI app");
    expect(google.structuredContent).toMatchObject({ decision: "delegate", delegate: "security-auditor" });
    expect(text(google)).toMatch(/^Delegate to security-auditor \(OAuth2\/OIDC flows\)\./);
    const candidates = (google.structuredContent as any).candidates.map((c: any) => c.name);
    expect([...candidates].sort()).toEqual(["database-architect", "frontend-developer", "python-pro", "security-auditor"]);
  });

  it("points to the delegate's prompt and resource when it is a loaded persona", async () => {
    const tmp = await tempDir({
      "python-pro.md": "---\nname: python-pro\ndescription: Python expert.\n---\n\n# Python Pro\n\nCore Python.\n",
    });
    try {
      conn = await connect({ personaDirs: [tmp.dir] });
      const r = (await conn.client.callTool({
        name: "lookup_delegation",
        arguments: { task: "explain how Python metaclasses and descriptors work" },
      })) as CallToolResult;
      expect(r.structuredContent).toMatchObject({ decision: "delegate", delegate: "python-pro", persona: { prompt: "python-pro", resource: "persona://python-pro" } });
      expect(text(r)).toContain('prompt "python-pro", resource persona://python-pro');
    } finally {
      await tmp.cleanup();
    }
  });

  it("refuses an empty or oversized task with a clear error", async () => {
    conn = await connect();
    const empty = (await conn.client.callTool({ name: "lookup_delegation", arguments: { task: "   " } })) as CallToolResult;
    expect(empty.isError).toBe(true);
    expect(text(empty)).toMatch(/task/i);
    const big = (await conn.client.callTool({ name: "lookup_delegation", arguments: { task: "x".repeat(4001) } })) as CallToolResult;
    expect(big.isError).toBe(true);
    expect(text(big)).toMatch(/4,?000/);
  });
});
