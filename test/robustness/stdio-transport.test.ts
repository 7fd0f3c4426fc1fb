import { PassThrough } from "node:stream";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { LenientStdioTransport } from "../../src/server/stdio-transport.js";

function harness(maxMessageBytes?: number) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const transport = new LenientStdioTransport(stdin, stdout, maxMessageBytes === undefined ? {} : { maxMessageBytes });
  const received: JSONRPCMessage[] = [];
  const errors: string[] = [];
  transport.onmessage = (m) => received.push(m);
  transport.onerror = (e) => errors.push(e.message);
  let out = "";
  stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
  return {
    transport,
    received,
    errors,
    write: (data: string | Buffer) => stdin.write(data),
    /** Lines the transport wrote, parsed, after pending stream events ran. */
    sent: async () => {
      await new Promise((r) => setImmediate(r));
      return out
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    },
  };
}

const ping = (id: number) => `${JSON.stringify({ jsonrpc: "2.0", id, method: "ping" })}\n`;

describe("LenientStdioTransport", () => {
  it("delivers messages split across chunks and several per chunk, ignoring blank lines and CRLF", async () => {
    const h = harness();
    await h.transport.start();
    const two = ping(1) + "\r\n\n" + ping(2).replace("\n", "\r\n");
    h.write(two.slice(0, 10));
    h.write(two.slice(10, 30));
    h.write(two.slice(30));
    await h.sent();
    expect(h.received).toEqual([
      { jsonrpc: "2.0", id: 1, method: "ping" },
      { jsonrpc: "2.0", id: 2, method: "ping" },
    ]);
  });

  it("answers a line that is not JSON with a parse error and reads on", async () => {
    const h = harness();
    await h.transport.start();
    h.write("{this is not json\n" + ping(3));
    expect(await h.sent()).toEqual([
      {
        jsonrpc: "2.0",
        error: {
          code: -32700,
          message: expect.stringMatching(/^Parse error: the line is not JSON \(.+\); send one JSON-RPC message per line$/),
        },
      },
    ]);
    expect(h.received).toEqual([{ jsonrpc: "2.0", id: 3, method: "ping" }]);
  });

  it("answers JSON that is not JSON-RPC with an invalid-request error, addressed when it has an id", async () => {
    const h = harness();
    await h.transport.start();
    h.write('{"id": 9, "method": 42}\n[1, 2]\n"just a string"\n' + ping(4));
    const sent = await h.sent();
    expect(sent.map((m) => [m["id"], (m["error"] as { code: number }).code])).toEqual([
      [9, -32600],
      [undefined, -32600],
      [undefined, -32600],
    ]);
    expect(h.received).toEqual([{ jsonrpc: "2.0", id: 4, method: "ping" }]);
  });

  it("refuses an oversized message by its id without buffering it, then reads on", async () => {
    const h = harness(1_000);
    await h.transport.start();
    const big = JSON.stringify({ jsonrpc: "2.0", id: "call-7", method: "tools/call", params: { name: "x", arguments: { code: "y".repeat(5_000) } } });
    // Written in small pieces, as a pipe delivers it.
    for (let i = 0; i < big.length; i += 700) h.write(big.slice(i, i + 700));
    h.write("\n" + ping(5));
    const sent = await h.sent();
    expect(sent).toEqual([
      {
        jsonrpc: "2.0",
        id: "call-7",
        error: {
          code: -32600,
          message:
            `Request too large: ${big.length} bytes is over this server's limit of 1000 bytes per message; ` +
            "pass a path to the files instead of their content, or send fewer files per call",
        },
      },
    ]);
    expect(h.received).toEqual([{ jsonrpc: "2.0", id: 5, method: "ping" }]);
  });

  it("does not take an id nested in params for the message's own", async () => {
    const h = harness(200);
    await h.transport.start();
    h.write(`{"jsonrpc":"2.0","method":"tools/call","params":{"id":77,"code":"${"z".repeat(400)}"},"id":1}\n`);
    const sent = await h.sent();
    expect(sent).toHaveLength(1);
    expect("id" in sent[0]!).toBe(false);
  });

  it("decodes invalid UTF-8 leniently instead of failing the message", async () => {
    const h = harness();
    await h.transport.start();
    const [head, tail] = JSON.stringify({ jsonrpc: "2.0", id: 6, method: "tools/call", params: { code: "#@#" } }).split("@");
    h.write(Buffer.concat([Buffer.from(head!), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(`${tail}\n`)]));
    await h.sent();
    expect(h.received).toEqual([{ jsonrpc: "2.0", id: 6, method: "tools/call", params: { code: "#\ufffd\ufffd\ufffd#" } }]);
  });
});
