import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTextFile, readTextFileSync, type ReadOutcome } from "../../src/files/read-file.js";
import { makeTempDir, writeTree } from "./tree.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  await writeTree(dir, {
    "plain.py": "x = 1\n",
    "bom.py": new Uint8Array([0xef, 0xbb, 0xbf, 0x79, 0x0a]),
    "latin1.py": new Uint8Array([0x61, 0xe9, 0x62]),
    "utf16be.py": new Uint8Array([0xfe, 0xff, 0x00, 0x7a]),
    "late-nul.py": "a".repeat(9000) + "\0",
    "early-nul.py": "a".repeat(50) + "\0",
    "exact.py": "a".repeat(64),
    "over.py": "a".repeat(65),
    folder: {},
  });
});
afterAll(() => cleanup());

const cases: [string, ReadOutcome][] = [
  ["plain.py", { ok: true, content: "x = 1\n" }],
  ["bom.py", { ok: true, content: "y\n" }],
  ["latin1.py", { ok: true, content: "a\uFFFDb" }],
  ["utf16be.py", { ok: true, content: "z" }],
  ["early-nul.py", { ok: false, reason: "binary file" }],
  ["exact.py", { ok: true, content: "a".repeat(64) }],
  ["over.py", { ok: false, reason: "larger than 64 bytes" }],
  ["missing.py", { ok: false, reason: "could not be read: it disappeared during the scan" }],
];

describe.each([
  ["readTextFile", (p: string, max: number) => readTextFile(p, max)],
  ["readTextFileSync", (p: string, max: number) => Promise.resolve(readTextFileSync(p, max))],
])("%s", (_name, read) => {
  it.each(cases)("%s", async (file, expected) => {
    expect(await read(path.join(dir, file), 64)).toEqual(expected);
  });

  it("only looks for NUL bytes in the first 8 KiB", async () => {
    const outcome = await read(path.join(dir, "late-nul.py"), 1 << 20);
    expect(outcome.ok).toBe(true);
  });

  it("refuses a folder", async () => {
    expect((await read(path.join(dir, "folder"), 64)).ok).toBe(false);
  });

  it.skipIf(process.platform === "win32")("does not block on a FIFO", async () => {
    const fifo = path.join(dir, `pipe-${_name}.py`);
    execFileSync("mkfifo", [fifo]);
    expect(await read(fifo, 64)).toEqual({ ok: false, reason: "not a regular file" });
  });
});
