import { Parser, Tree } from "web-tree-sitter";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { SourceFile } from "../../src/files/types.js";
import { withProjectIndex } from "../../src/python/analyze.js";
import { scanFiles } from "../rules/helpers.js";

const ROUTE = (i: number) =>
  `from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/r${i}")\nasync def r${i}():\n    return {"i": ${i}}\n`;

function files(n: number): SourceFile[] {
  return Array.from({ length: n }, (_, i) => ({ path: `m${String(i).padStart(3, "0")}.py`, absPath: null, content: ROUTE(i) }));
}

function countTrees(): { parsed: () => number; deleted: () => number } {
  const parse = vi.spyOn(Parser.prototype, "parse");
  const del = vi.spyOn(Tree.prototype, "delete");
  return { parsed: () => parse.mock.calls.length, deleted: () => del.mock.calls.length };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("withProjectIndex", () => {
  it("parses every file and reports full coverage when there is time", async () => {
    const coverage = await withProjectIndex(files(5), { deadline: Date.now() + 60_000 }, (index, errors, cov) => {
      expect(index.modules).toHaveLength(5);
      expect(errors).toEqual([]);
      return cov;
    });
    expect(coverage).toEqual({ filesParsed: 5, truncated: null });
  });

  it("stops parsing when the deadline passes and analyses what it parsed", async () => {
    let now = 1_000_000;
    vi.spyOn(Date, "now").mockImplementation(() => now);
    const trees = countTrees();
    const names = await withProjectIndex(
      files(10),
      {
        deadline: now + 50,
        // The clock passes the deadline while the third file is parsed.
        onProgress: (done) => {
          if (done === 3) now += 51;
        },
      },
      (index, _errors, cov) => {
        expect(cov).toEqual({ filesParsed: 3, truncated: "time budget ran out after analysing 3 of 10 files" });
        return index.modules.map((m) => m.file.path);
      },
    );
    expect(names).toEqual(["m000.py", "m001.py", "m002.py"]);
    expect(trees.parsed()).toBe(3);
    expect(trees.deleted()).toBe(3);
  });

  it("reports progress as files done of total, once per file", async () => {
    const seen: [number, number][] = [];
    await withProjectIndex(files(4), { onProgress: (done, total) => seen.push([done, total]) }, () => null);
    expect(seen).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
  });

  it("frees every tree when aborted mid-way, when the callback throws, and after a too-deep file", async () => {
    const trees = countTrees();
    const controller = new AbortController();
    await expect(
      withProjectIndex(files(8), { signal: controller.signal, onProgress: (done) => done === 4 && controller.abort() }, () => null),
    ).rejects.toThrow(/abort/i);
    await expect(
      withProjectIndex(files(3), {}, () => {
        throw new Error("rule bug");
      }),
    ).rejects.toThrow("rule bug");
    const deep = { path: "deep.py", absPath: null, content: `x = ${"[".repeat(9_000)}${"]".repeat(9_000)}\n` };
    await withProjectIndex([deep, ...files(1)], {}, (index, errors) => {
      expect(index.modules.map((m) => m.file.path)).toEqual(["m000.py"]);
      expect(errors.map((e) => e.file)).toEqual(["deep.py"]);
    });
    expect(trees.parsed()).toBe(4 + 3 + 2);
    expect(trees.deleted()).toBe(trees.parsed());
  });
});

describe("scanProject under a deadline", () => {
  it("says truncated with the reason and counts only the files it scanned", async () => {
    let now = 5_000_000;
    vi.spyOn(Date, "now").mockImplementation(() => now);
    const input = Object.fromEntries(files(6).map((f) => [f.path, f.content]));
    const result = await scanFiles(input, {
      deadline: now + 10,
      onProgress: (done) => {
        if (done === 2) now += 11;
      },
    });
    expect(result.findings.map((f) => `${f.file}:${f.line} ${f.rule}`)).toEqual(["m000.py:7 FAPI004", "m001.py:7 FAPI004"]);
    expect(result.summary.filesScanned).toBe(2);
    expect(result.truncated).toBe(true);
    expect(result.truncatedReason).toBe("time budget ran out after analysing 2 of 6 files");
  });

  it("is not truncated when the deadline is far away", async () => {
    const result = await scanFiles({ "a.py": ROUTE(1) }, { deadline: Date.now() + 60_000 });
    expect(result.truncated).toBe(false);
    expect(result.truncatedReason).toBeNull();
    expect(result.summary.filesScanned).toBe(1);
  });
});

describe("withProjectIndex memory limit", () => {
  it("stops before the source total passes the limit, analyses what it parsed and says why", async () => {
    const all = files(4);
    const size = all[0]!.content.length;
    const result = await withProjectIndex(all, { maxSourceChars: size * 2 + 1 }, (index, _errors, cov) => ({
      modules: index.modules.map((m) => m.file.path),
      cov,
    }));
    expect(result.modules).toEqual(["m000.py", "m001.py"]);
    expect(result.cov).toEqual({
      filesParsed: 2,
      truncated: "memory limit: analysed the first 2 of 4 files (0 MiB of source); scan a sub-folder for the rest",
    });
  });

  it("always analyses the first file, however large", async () => {
    const cov = await withProjectIndex(files(1), { maxSourceChars: 1 }, (_i, _e, c) => c);
    expect(cov).toEqual({ filesParsed: 1, truncated: null });
  });
});
