import { describe, expect, it } from "vitest";
import {
  checkboxItems,
  headerKey,
  numberedItems,
  parseMarkdown,
  sectionAt,
  splitBoldName,
  splitTableRow,
  tablesIn,
  textOf,
} from "../../src/persona/sections.js";

describe("parseMarkdown", () => {
  const doc = parseMarkdown(
    ["# Top", "intro", "## A ##", "a text", "### A1", "```sh", "# not a heading", "```", "## B", "b text"].join("\n"),
  );

  it("nests headings by level and ignores `#` lines in fenced code", () => {
    expect(doc.sections.map((section) => [section.heading, section.level, section.line, section.end])).toEqual([
      ["Top", 1, 0, 10],
      ["A", 2, 2, 8],
      ["A1", 3, 4, 8],
      ["B", 2, 8, 10],
    ]);
    expect(doc.sections[1]!.ownEnd).toBe(4);
    expect(doc.sections[0]!.children.map((child) => child.heading)).toEqual(["A", "B"]);
  });

  it("finds the innermost section of a line", () => {
    expect(sectionAt(parseMarkdown("before\n# H\nx"), 0)).toBeNull();
    expect(sectionAt(doc, 6)?.heading).toBe("A1");
    expect(sectionAt(doc, 9)?.heading).toBe("B");
  });

  it("trims section text of blank lines and `---` rules at either end", () => {
    const withRules = parseMarkdown("---\n\nbody\n\n---\n\n");
    expect(textOf(withRules, 0, withRules.lines.length)).toBe("body");
  });
});

describe("tables", () => {
  it("splits rows on unescaped pipes, with or without outer pipes", () => {
    expect(splitTableRow("| a | `b \\| c` | d |")).toEqual(["a", "`b | c`", "d"]);
    expect(splitTableRow("a | b")).toEqual(["a", "b"]);
    expect(splitTableRow("| a | |")).toEqual(["a", ""]);
  });

  it("needs a separator row and stops at the first line without a pipe", () => {
    const doc = parseMarkdown("| x | y |\nno table\n\n| h1 | h2 |\n|:--|--:|\n| 1 | 2 |\n| 3 | 4 |\nafter\n| 5 | 6 |");
    expect(tablesIn(doc)).toEqual([{ header: ["h1", "h2"], rows: [["1", "2"], ["3", "4"]], line: 3 }]);
  });

  it("ignores tables in fenced code", () => {
    expect(tablesIn(parseMarkdown("~~~\n| a | b |\n|---|---|\n~~~"))).toEqual([]);
  });

  it("reduces header cells to letters for matching", () => {
    expect(headerKey("**Anti-Pattern**")).toBe("antipattern");
    expect(headerKey("Delegate To")).toBe("delegateto");
  });
});

describe("list items", () => {
  it("joins wrapped lines and stops at a blank line or another item", () => {
    const doc = parseMarkdown("1. **A**: one\n   more\n2) two\n\nloose line\n- [x] done\n  - [ ] nested");
    expect(numberedItems(doc, 0, doc.lines.length).map((item) => item.text)).toEqual(["**A**: one more", "two"]);
    expect(checkboxItems(doc, 0, doc.lines.length).map((item) => item.text)).toEqual(["done", "nested"]);
  });

  it("splits a bold name written with the colon inside or outside the bold", () => {
    expect(splitBoldName("**Name**: text")).toEqual({ name: "Name", text: "text" });
    expect(splitBoldName("**Name:** text")).toEqual({ name: "Name", text: "text" });
    expect(splitBoldName("plain: text")).toBeNull();
  });
});
