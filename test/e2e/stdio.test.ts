import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const bin = path.join(repoRoot, "dist", "index.js");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built bin, writes `input` lines to its stdin and closes stdin once `until(stdout)` holds (or at once),
 * which is how a client ends a stdio server.
 */
function runBin(args: string[], input: object[] = [], until?: (stdout: string) => boolean): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: repoRoot,
      env: { ...process.env, PERSONA_MCP_ROOTS: "", PERSONA_MCP_PERSONAS: "" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill(), 20_000);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      if (until?.(stdout)) child.stdin.end();
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on("error", () => {}); // the bin may exit before reading (usage errors)
    for (const message of input) child.stdin.write(`${JSON.stringify(message)}\n`);
    if (!until) child.stdin.end();
  });
}

beforeAll(() => {
  // `npm test` builds first; running vitest alone needs `npm run build`.
  expect(existsSync(bin), `${bin} is missing: run npm run build`).toBe(true);
});

describe("the built server over stdio", () => {
  it("answers initialize, tools/list and get_persona, with only JSON-RPC on stdout", async () => {
    const requests = [
      {
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "e2e", version: "1" } },
      },
      { jsonrpc: "2.0", method: "notifications/initialized" },
      { jsonrpc: "2.0", id: 2, method: "tools/list", params: {} },
      { jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "get_persona", arguments: { name: "fastapi-pro" } } },
    ];
    const run = await runBin([], requests, (out) => out.includes('"id":3'));
    expect(run.code).toBe(0);

    const lines = run.stdout.split("\n").filter((line) => line !== "");
    expect(lines.length).toBe(3);
    const messages = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const message of messages) {
      expect(message["jsonrpc"]).toBe("2.0");
      expect("result" in message || "error" in message).toBe(true);
    }
    const byId = new Map(messages.map((m) => [m["id"], m["result"] as Record<string, unknown>]));

    const init = byId.get(1) as { serverInfo: { name: string }; instructions: string; capabilities: object };
    expect(init.serverInfo.name).toBe("persona-mcp");
    expect(init.instructions).toContain("scan_anti_patterns");
    expect(Object.keys(init.capabilities)).toEqual(expect.arrayContaining(["tools", "prompts", "resources"]));

    const tools = (byId.get(2) as { tools: { name: string }[] }).tools.map((t) => t.name);
    expect(tools).toEqual(expect.arrayContaining(["list_personas", "get_persona"]));

    const call = byId.get(3) as { isError?: boolean; structuredContent: { name: string; checklist: unknown[] } };
    expect(call.isError).toBeUndefined();
    expect(call.structuredContent.name).toBe("fastapi-pro");
    expect(call.structuredContent.checklist).toHaveLength(10);
  });

  it("prints help and the version on stdout and exits 0", async () => {
    const help = await runBin(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: persona-mcp \[options\]/);
    expect(help.stdout).toContain("--root DIR");
    const version = await runBin(["--version"]);
    expect(version).toEqual({ code: 0, stdout: "0.1.0\n", stderr: "" });
  });

  it("exits 2 on an unknown option, with the reason on stderr and nothing on stdout", async () => {
    const run = await runBin(["--bogus"]);
    expect(run).toEqual({
      code: 2,
      stdout: "",
      stderr: "persona-mcp: unknown option --bogus; run persona-mcp --help for the options\n",
    });
  });

  describe("with no loadable persona", () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), "persona-mcp-e2e-"));
      await writeFile(path.join(dir, "broken.md"), "---\nname: broken\ndescription: [unclosed\n---\n# Broken\n");
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it("exits 2 and says why on stderr (--no-bundled leaves only the broken persona)", async () => {
      const run = await runBin(["--no-bundled", "--personas", dir]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain("broken.md");
      expect(run.stderr).toContain(
        `persona-mcp: no loadable persona in ${dir}: 1 problem reported above\n`,
      );
    });
  });

  it.skipIf(existsSync(path.join(repoRoot, "dist", "cli", "main.js")))(
    "explains that subcommands are not there yet (until the CLI lands)",
    async () => {
      const run = await runBin(["scan", "."]);
      expect(run).toEqual({
        code: 2,
        stdout: "",
        stderr: 'persona-mcp: subcommands arrive in a later version; "scan" is not available yet\n',
      });
    },
  );
});
