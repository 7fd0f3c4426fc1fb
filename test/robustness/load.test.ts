import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { Parser, Tree } from "web-tree-sitter";
import { afterEach, describe, expect, it, vi } from "vitest";
import { connect, type Connected } from "../server/helpers.js";
import { routeModule } from "./generate.js";

let conn: Connected | null = null;
afterEach(async () => {
  vi.restoreAllMocks();
  await conn?.close();
  conn = null;
});

/** Snippets with known findings, as `line RULE`: each call's answer can be checked exactly. */
const SNIPPETS: { code: string; expected: string[] }[] = [
  { code: routeModule(3), expected: ["9 FAPI004"] },
  {
    code: 'import time\n\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/slow")\nasync def slow():\n    time.sleep(2)\n    return None\n',
    expected: ["10 FAPI101"],
  },
  {
    code:
      'from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\napp.add_middleware(\n    CORSMiddleware,\n    allow_origins=["*"],\n    allow_credentials=True,\n)\n',
    expected: ["5 FAPI102"],
  },
  { code: "def add(a: int, b: int) -> int:\n    return a + b\n", expected: [] },
  { code: "def broken(:\n    return {\n", expected: [] },
];

function places(result: CallToolResult): string[] {
  return (result.structuredContent as { findings: { line: number; rule: string }[] }).findings.map((f) => `${f.line} ${f.rule}`);
}

function countTrees(): { parsed: () => number; deleted: () => number } {
  const parse = vi.spyOn(Parser.prototype, "parse");
  const del = vi.spyOn(Tree.prototype, "delete");
  return { parsed: () => parse.mock.calls.length, deleted: () => del.mock.calls.length };
}

describe("load over one client", () => {
  it("answers 50 concurrent tool calls, each correctly", async () => {
    conn = await connect();
    const c = conn;
    const calls = Array.from({ length: 50 }, (_, i) => {
      const snippet = SNIPPETS[i % SNIPPETS.length]!;
      return c.client
        .callTool({ name: "scan_anti_patterns", arguments: { code: snippet.code } })
        .then((r) => ({ i, got: places(r as CallToolResult), expected: snippet.expected }));
    });
    // Other tools interleaved with the scans.
    const lists = Array.from({ length: 5 }, () => c.client.callTool({ name: "list_personas", arguments: {} }));
    const answers = await Promise.all(calls);
    expect(answers.filter((a) => JSON.stringify(a.got) !== JSON.stringify(a.expected))).toEqual([]);
    for (const r of await Promise.all(lists)) expect((r as CallToolResult).isError).toBeFalsy();
  });

  it("runs 2,000 sequential scans and frees every tree it parses (no WASM heap growth)", async () => {
    conn = await connect();
    const trees = countTrees();
    const started = Date.now();
    for (let i = 0; i < 2_000; i++) {
      const snippet = SNIPPETS[i % SNIPPETS.length]!;
      const result = (await conn.client.callTool({ name: "scan_anti_patterns", arguments: { code: snippet.code } })) as CallToolResult;
      if (i % 250 === 0) expect(places(result)).toEqual(snippet.expected);
    }
    // Exact counts rather than RSS, which a busy machine makes noisy: one parse per scan, each tree deleted.
    expect(trees.parsed()).toBe(2_000);
    expect(trees.deleted()).toBe(2_000);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
