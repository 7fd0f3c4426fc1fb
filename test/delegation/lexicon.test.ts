import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UserError } from "../../src/core/errors.js";
import { loadLexicon } from "../../src/delegation/lexicon.js";
import { fastapiPro } from "./personas.js";

const PERSONAS_DIR = fileURLToPath(new URL("../../personas/", import.meta.url));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "lexicon-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(text: string): string {
  const file = join(dir, "demo.delegation.yaml");
  writeFileSync(file, text);
  return file;
}

function errorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error("expected a UserError");
}

describe("loadLexicon", () => {
  it("returns null when the persona has no lexicon file", () => {
    expect(loadLexicon(dir, "demo")).toBeNull();
  });

  it("reads tiers into weighted terms, with the default weights, margin and minScore", () => {
    const file = write(
      ["handle:", "  strong: [APIRouter]", "  weak: [app]", "delegates:", "  sql-expert:", "    normal: [window function]"].join(
        "\n",
      ),
    );
    expect(loadLexicon(dir, "demo")).toEqual({
      source: file,
      margin: 0,
      minScore: 1,
      handle: [
        { text: "APIRouter", weight: 4 },
        { text: "app", weight: 1 },
      ],
      delegates: { "sql-expert": [{ text: "window function", weight: 2 }] },
    });
  });

  it("uses the weights, margin and minScore the file gives", () => {
    write("margin: 1\nminScore: 3\nweights: {strong: 10, normal: 5, weak: 2}\nhandle: {normal: [route]}\ndelegates: {}\n");
    expect(loadLexicon(dir, "demo")).toMatchObject({ margin: 1, minScore: 3, handle: [{ text: "route", weight: 5 }] });
  });

  it("names the file and the line of a YAML syntax error", () => {
    const file = write("handle:\n  strong: [APIRouter\ndelegates: {}\n");
    const err = errorOf(() => loadLexicon(dir, "demo"));
    expect(err.message).toMatch(new RegExp(`^${escape(file)}: not valid YAML at line \\d+: `));
  });

  it("names the file and the field when the shape is wrong", () => {
    const file = write("handle: {strong: [APIRouter]}\ndelegates:\n  sql-expert: {strongest: [CTE]}\n");
    expect(errorOf(() => loadLexicon(dir, "demo")).message).toMatch(
      new RegExp(`^${escape(file)}: delegates\\.sql-expert: .*expected margin, minScore, weights`),
    );
    write("delegates: {}\n");
    expect(errorOf(() => loadLexicon(dir, "demo")).message).toMatch(new RegExp(`^${escape(file)}: handle: `));
  });

  it("refuses a term with no word in it, and two spellings of one term in a row", () => {
    const file = write("handle: {normal: ['--']}\ndelegates: {}\n");
    expect(errorOf(() => loadLexicon(dir, "demo")).message).toBe(`${file}: handle.normal: "--" holds no word to match`);
    write("handle: {}\ndelegates:\n  sql-expert: {strong: [partition], weak: [partitioning]}\n");
    expect(errorOf(() => loadLexicon(dir, "demo")).message).toBe(
      `${file}: delegates.sql-expert: "partitioning" matches the same words as "partition"; keep one`,
    );
  });

  it("the bundled fastapi-pro lexicon covers every row of its delegation table", () => {
    const lexicon = loadLexicon(PERSONAS_DIR, "fastapi-pro");
    expect(Object.keys(lexicon?.delegates ?? {}).sort()).toEqual(fastapiPro().delegation.map((r) => r.delegate).sort());
    expect(lexicon?.handle.length).toBeGreaterThan(50);
    expect(lexicon).toMatchObject({ margin: 0.5, minScore: 2 });
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
