import type { Readable, Writable } from "node:stream";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { ErrorCode, JSONRPCMessageSchema, type JSONRPCMessage, type RequestId } from "@modelcontextprotocol/sdk/types.js";

/**
 * Largest JSON-RPC message accepted, in bytes. Room for a few hundred inline files at the tools' 2 MiB cap; a
 * client with more should pass a `path`.
 */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

/** How much of an oversized message is kept to find its id, so the client's pending request gets its error. */
const HEAD_BYTES = 4096;

export interface StdioTransportOptions {
  maxMessageBytes?: number;
}

/**
 * Newline-delimited JSON-RPC over stdin/stdout, like the SDK's StdioServerTransport, but bad input never ends the
 * session. The SDK's transport closes itself when a message passes its 10 MB buffer (the server then exits) and
 * drops malformed lines without a word; this one answers each with a JSON-RPC error (-32700 for a line that is
 * not JSON, -32600 for JSON that is not a JSON-RPC message or is too large) and reads on.
 */
export class LenientStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private readonly maxBytes: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Set while the rest of an oversized line is skipped: its first bytes and its size so far. */
  private skipping: { head: Buffer; bytes: number } | null = null;
  private started = false;

  constructor(
    private readonly stdin: Readable = process.stdin,
    private readonly stdout: Writable = process.stdout,
    opts: StdioTransportOptions = {},
  ) {
    this.maxBytes = opts.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  }

  async start(): Promise<void> {
    if (this.started) throw new Error("LenientStdioTransport already started");
    this.started = true;
    this.stdin.on("data", this.onData);
    this.stdin.on("error", this.onStreamError);
  }

  async close(): Promise<void> {
    this.stdin.off("data", this.onData);
    this.stdin.off("error", this.onStreamError);
    if (this.stdin.listenerCount("data") === 0) this.stdin.pause();
    this.pending = [];
    this.pendingBytes = 0;
    this.skipping = null;
    this.onclose?.();
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve) => {
      if (this.stdout.write(`${JSON.stringify(message)}\n`)) resolve();
      else this.stdout.once("drain", resolve);
    });
  }

  private readonly onStreamError = (error: Error): void => {
    this.onerror?.(error);
  };

  private readonly onData = (chunk: Buffer): void => {
    let from = 0;
    while (from < chunk.length) {
      const newline = chunk.indexOf(0x0a, from);
      const end = newline === -1 ? chunk.length : newline;
      const piece = chunk.subarray(from, end);
      if (this.skipping) {
        this.skipping.bytes += piece.length;
      } else if (this.pendingBytes + piece.length > this.maxBytes) {
        const head = Buffer.concat([...this.pending, piece]).subarray(0, HEAD_BYTES);
        this.skipping = { head: Buffer.from(head), bytes: this.pendingBytes + piece.length };
        this.pending = [];
        this.pendingBytes = 0;
      } else if (piece.length > 0) {
        // Copied: the stream may reuse the chunk's memory.
        this.pending.push(newline === -1 ? Buffer.from(piece) : piece);
        this.pendingBytes += piece.length;
      }
      if (newline === -1) return;
      from = newline + 1;
      if (this.skipping) {
        this.refuseOversized(this.skipping.head, this.skipping.bytes);
        this.skipping = null;
      } else {
        const line = Buffer.concat(this.pending);
        this.pending = [];
        this.pendingBytes = 0;
        this.handleLine(line.toString("utf8"));
      }
    }
  };

  private handleLine(text: string): void {
    const line = text.replace(/\r$/, "");
    if (line.trim() === "") return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (error) {
      this.refuse(undefined, ErrorCode.ParseError, `Parse error: the line is not JSON (${(error as Error).message}); send one JSON-RPC message per line`);
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.refuse(
        idOf(raw),
        ErrorCode.InvalidRequest,
        'Invalid Request: not a JSON-RPC 2.0 message (expected an object with "jsonrpc": "2.0" and a "method", or a response to a server request)',
      );
      return;
    }
    try {
      this.onmessage?.(parsed.data);
    } catch (error) {
      this.onerror?.(error as Error);
    }
  }

  private refuseOversized(head: Buffer, bytes: number): void {
    const size = (n: number) => (n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MiB` : `${n} bytes`);
    this.refuse(
      idInHead(head.toString("utf8")),
      ErrorCode.InvalidRequest,
      `Request too large: ${size(bytes)} is over this server's limit of ${size(this.maxBytes)} per message; ` +
        "pass a path to the files instead of their content, or send fewer files per call",
    );
  }

  private refuse(id: RequestId | undefined, code: number, message: string): void {
    this.onerror?.(new Error(message));
    // Without a usable id the error still goes out (JSON-RPC says to answer parse errors), just unaddressed.
    void this.send({ jsonrpc: "2.0", ...(id !== undefined ? { id } : {}), error: { code, message } } as JSONRPCMessage);
  }
}

function idOf(raw: unknown): RequestId | undefined {
  if (typeof raw !== "object" || raw === null || !("id" in raw)) return undefined;
  const id = (raw as { id: unknown }).id;
  return typeof id === "string" || (typeof id === "number" && Number.isFinite(id)) ? id : undefined;
}

/**
 * The id of a message known only by its first bytes. Clients write `jsonrpc`, `id`, `method` before `params`, so an
 * `"id"` found before `"params"` is the request's own; past that point it could be a nested field and is ignored.
 */
function idInHead(head: string): RequestId | undefined {
  const params = head.search(/"(params|result|error)"\s*:/);
  const scope = params === -1 ? head : head.slice(0, params);
  const m = /"id"\s*:\s*(-?\d+(?![.\deE])|"(?:[^"\\]|\\.)*")/.exec(scope);
  if (!m?.[1]) return undefined;
  try {
    return JSON.parse(m[1]) as RequestId;
  } catch {
    return undefined;
  }
}
