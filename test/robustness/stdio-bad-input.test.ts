import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../server/helpers.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const bin = path.join(repoRoot, "dist", "index.js");

type Message = Record<string, any>;

/** The built server on real pipes, with the responses it wrote collected by id. */
class Spawned {
  readonly child: ChildProcessWithoutNullStreams;
  readonly messages: Message[] = [];
  readonly badStdout: string[] = [];
  stderr = "";
  exited: number | null | undefined = undefined;
  private buffer = "";
  private waiters: (() => void)[] = [];

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [bin, ...args], {
      cwd: repoRoot,
      env: { ...process.env, PERSONA_MCP_ROOTS: "", PERSONA_MCP_PERSONAS: "", PERSONA_MCP_TIME_BUDGET_MS: "" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child.stdout.on("data", (chunk: Buffer) => {
      this.buffer += chunk.toString("utf8");
      let nl: number;
      while ((nl = this.buffer.indexOf("\n")) !== -1) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        try {
          this.messages.push(JSON.parse(line) as Message);
        } catch {
          this.badStdout.push(line);
        }
      }
      for (const w of this.waiters.splice(0)) w();
    });
    this.child.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString("utf8")));
    this.child.stdin.on("error", () => {});
    this.child.on("exit", (code) => {
      this.exited = code;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  writeLine(line: string | Buffer): void {
    this.child.stdin.write(line);
    this.child.stdin.write("\n");
  }

  send(message: object): void {
    this.writeLine(JSON.stringify(message));
  }

  /** Waits until `pick` finds a message, or fails after the timeout (or when the server has exited). */
  async waitFor(pick: (m: Message) => boolean, what: string, timeoutMs = 15_000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(pick);
      if (found) return found;
      if (this.exited !== undefined) throw new Error(`server exited (${this.exited}) before ${what}; stderr: ${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms; stderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  response(id: number | string): Promise<Message> {
    return this.waitFor((m) => m["id"] === id, `a response to ${id}`);
  }

  async request(id: number, method: string, params: object = {}): Promise<Message> {
    this.send({ jsonrpc: "2.0", id, method, params });
    return this.response(id);
  }

  async callTool(id: number, name: string, args: object): Promise<Message> {
    return (await this.request(id, "tools/call", { name, arguments: args }))["result"] as Message;
  }

  /** Proof of life: a ping and a tools/list both answered. */
  async stillAnswers(id: number): Promise<void> {
    expect((await this.request(id, "ping"))["result"]).toEqual({});
    const list = (await this.request(id + 1, "tools/list"))["result"] as { tools: { name: string }[] };
    expect(list.tools.map((t) => t.name)).toContain("scan_anti_patterns");
  }

  async end(): Promise<number | null | undefined> {
    this.child.stdin.end();
    await this.waitFor(() => false, "exit", 10_000).catch(() => {});
    if (this.exited === undefined) this.child.kill();
    return this.exited;
  }
}

const FAPI004 = 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/")\nasync def root():\n    return {"ok": True}\n';

let project: { dir: string; cleanup(): Promise<void> };
let server: Spawned;

beforeAll(async () => {
  expect(existsSync(bin), `${bin} is missing: run npm run build`).toBe(true);
  project = await tempDir({
    "app/main.py": FAPI004,
    // A NUL byte in the first 8 KB: binary, whatever the extension says.
    "app/blob.py": `x = 1\n\u0000\u0001\u0002${"\u00ff".repeat(100)}\n`,
    "app/huge.py": `# generated\n${"VALUE = 1\n".repeat(120_000)}`,
    "app/deep.py": `x = ${"(".repeat(5_000)}1${")".repeat(5_000)}\n`,
    "app/nested_ifs.py": `def f(flag):\n${Array.from({ length: 400 }, (_, i) => `${" ".repeat(4 + i)}if flag:\n`).join("")}${" ".repeat(404)}return 1\n`,
  });
  // Latin-1 bytes that are not valid UTF-8, around a real finding.
  const { writeFile } = await import("node:fs/promises");
  await writeFile(
    path.join(project.dir, "app", "latin1.py"),
    Buffer.concat([Buffer.from("# caf"), Buffer.from([0xe9, 0xff]), Buffer.from(`\n${FAPI004}`)]),
  );
  server = new Spawned(["--root", project.dir]);
  const init = await server.request(1, "initialize", {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "robustness", version: "1" },
  });
  expect(init["result"]["serverInfo"]["name"]).toBe("persona-mcp");
  server.send({ jsonrpc: "2.0", method: "notifications/initialized" });
});

afterAll(async () => {
  const code = await server?.end();
  await project?.cleanup();
  // Everything it wrote was JSON-RPC, and it ended cleanly when its client closed stdin.
  expect(server.badStdout).toEqual([]);
  expect(code).toBe(0);
});

describe("the spawned server under bad input", () => {
  it("answers a malformed line with a parse error and keeps serving", async () => {
    server.writeLine("{this is not json");
    const error = await server.waitFor((m) => m["error"]?.["code"] === -32700, "a parse error");
    expect(error["error"]["message"]).toMatch(/^Parse error: the line is not JSON/);
    await server.stillAnswers(10);
  });

  it("answers an unknown method with method-not-found and keeps serving", async () => {
    const reply = await server.request(20, "no/such/method");
    expect(reply["error"]).toEqual({ code: -32601, message: "Method not found" });
    await server.stillAnswers(21);
  });

  it("answers JSON that is not a JSON-RPC request with invalid-request and keeps serving", async () => {
    server.send({ id: 30, hello: "world" });
    const reply = await server.response(30);
    expect(reply["error"]["code"]).toBe(-32600);
    await server.stillAnswers(31);
  });

  it("refuses 3 MB of code with the tool's limit in the message", async () => {
    const result = await server.callTool(40, "scan_anti_patterns", { code: `x = 1\n${"#".repeat(3 * 1024 * 1024)}\n` });
    expect(result["isError"]).toBe(true);
    expect(result["content"][0]["text"]).toContain("Too big: expected string to have <=2097152 characters at code");
    await server.stillAnswers(41);
  });

  it("refuses a 40 MB message by its id instead of exiting (the SDK transport quits past 10 MB)", async () => {
    server.send({ jsonrpc: "2.0", id: 50, method: "tools/call", params: { name: "scan_anti_patterns", arguments: { code: "y".repeat(40 * 1024 * 1024) } } });
    const reply = await server.response(50);
    expect(reply["error"]["code"]).toBe(-32600);
    expect(reply["error"]["message"]).toBe(
      "Request too large: 40.0 MiB is over this server's limit of 32.0 MiB per message; " +
        "pass a path to the files instead of their content, or send fewer files per call",
    );
    await server.stillAnswers(51);
  });

  it("takes invalid UTF-8 inside a message as replacement characters", async () => {
    const [head, tail] = JSON.stringify({ jsonrpc: "2.0", id: 60, method: "tools/call", params: { name: "scan_anti_patterns", arguments: { code: `# MARK\n${FAPI004}` } } }).split("MARK");
    server.writeLine(Buffer.concat([Buffer.from(head!), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(tail!)]));
    const result = (await server.response(60))["result"];
    expect(result["isError"]).toBeFalsy();
    expect(result["structuredContent"]["findings"].map((f: Message) => `${f["file"]}:${f["line"]} ${f["rule"]}`)).toEqual(["snippet.py:8 FAPI004"]);
  });

  it("scans a folder with binary, huge, non-UTF-8 and deeply nested files: skipped or reported, the rest analysed", async () => {
    const result = await server.callTool(70, "scan_anti_patterns", { path: "app" });
    expect(result["isError"]).toBeFalsy();
    const data = result["structuredContent"];
    expect(data["findings"].map((f: Message) => `${f["file"]}:${f["line"]} ${f["rule"]}`)).toEqual(["latin1.py:8 FAPI004", "main.py:7 FAPI004"]);
    expect(data["summary"]["skipped"]).toEqual([
      { file: "blob.py", reason: "binary file" },
      { file: "huge.py", reason: "larger than 1 MiB" },
    ]);
    expect(data["summary"]["filesScanned"]).toBe(4);
    expect(data["summary"]["parseErrors"]).toEqual([
      { file: "deep.py", message: expect.stringMatching(/^nested more than 1000 syntax levels deep at line 1, column \d+; the file was not analysed$/) },
    ]);
    await server.stillAnswers(71);
  });

  it("reports 5,000 nested parentheses and 500 nested ifs as not analysed, and finds a call inside 400 nested ifs", async () => {
    const nestedIfs = (n: number) =>
      `import time\n\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/")\nasync def f(flag: bool):\n` +
      `${Array.from({ length: n }, (_, i) => `${" ".repeat(4 + i)}if flag:\n`).join("")}${" ".repeat(4 + n)}time.sleep(1)\n`;
    const notAnalysed = /^nested more than 1000 syntax levels deep at line \d+, column \d+; the file was not analysed$/;
    const parens = await server.callTool(80, "scan_anti_patterns", { code: `x = ${"(".repeat(5_000)}1${")".repeat(5_000)}\n` });
    expect(parens["structuredContent"]["summary"]["parseErrors"]).toEqual([{ file: "snippet.py", message: expect.stringMatching(notAnalysed) }]);
    const ifs500 = await server.callTool(81, "scan_anti_patterns", { code: nestedIfs(500) });
    expect(ifs500["structuredContent"]["summary"]["parseErrors"]).toEqual([{ file: "snippet.py", message: expect.stringMatching(notAnalysed) }]);
    const ifs400 = await server.callTool(82, "scan_anti_patterns", { code: nestedIfs(400) });
    expect(ifs400["structuredContent"]["summary"]["parseErrors"]).toEqual([]);
    expect(ifs400["structuredContent"]["findings"].map((f: Message) => `${f["line"]} ${f["rule"]}`)).toEqual([`${9 + 400 + 1} FAPI101`]);
    await server.stillAnswers(83);
  });
});
