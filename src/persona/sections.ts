/**
 * Markdown structure the persona parser needs: headings as nested sections, pipe tables, list items.
 * Deliberately small instead of a full CommonMark parser: persona files use a narrow subset, and what matters
 * is that lines inside fenced code (Python `# comments`, `| pipes |` in examples) are never taken as structure.
 */

/** A heading and the lines it owns, as indices into {@link MarkdownDoc.lines}. */
export interface Section {
  /** Heading text as written, without the `#` marks. */
  heading: string;
  level: number;
  /** Line index of the heading itself. */
  line: number;
  /** End (exclusive) of the section: the next heading of the same or a higher level. */
  end: number;
  /** End (exclusive) of the text before the first sub-heading. */
  ownEnd: number;
  children: Section[];
  parent: Section | null;
}

export interface MarkdownDoc {
  lines: string[];
  /** `fenced[i]` is true when line i is inside (or delimits) a fenced code block. */
  fenced: boolean[];
  /** All sections in document order (nested ones included). */
  sections: Section[];
}

export interface MarkdownTable {
  /** Header cells as written, without surrounding spaces. */
  header: string[];
  rows: string[][];
  /** Line index of the header row. */
  line: number;
}

/** A list item with its continuation lines joined by single spaces. */
export interface ListItem {
  text: string;
  line: number;
}

const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$/;
const ANY_LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+/;
const TOP_LIST_ITEM = /^ {0,3}(?:[-*+]|\d+[.)])\s+/;
const NUMBERED_ITEM = /^ {0,3}\d+[.)]\s+(.*)$/;
const BULLET_ITEM = /^ {0,3}[-*+]\s+(.*)$/;
const CHECKBOX_ITEM = /^\s*[-*+]\s+\[[ xX]\]\s+(.*)$/;

/** Splits markdown into lines, marks fenced code and builds the heading tree. */
export function parseMarkdown(markdown: string): MarkdownDoc {
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  const fenced = markFencedLines(lines);
  const sections: Section[] = [];
  const open: Section[] = [];
  lines.forEach((text, index) => {
    if (fenced[index]) return;
    const match = HEADING.exec(text);
    if (!match) return;
    const level = match[1]!.length;
    while (open.length > 0 && open[open.length - 1]!.level >= level) {
      open.pop()!.end = index;
    }
    const parent = open[open.length - 1] ?? null;
    const section: Section = {
      heading: (match[2] ?? "").trim(),
      level,
      line: index,
      end: lines.length,
      ownEnd: lines.length,
      children: [],
      parent,
    };
    if (parent) {
      parent.children.push(section);
      if (parent.children.length === 1) parent.ownEnd = index;
    }
    sections.push(section);
    open.push(section);
  });
  for (const section of sections) {
    if (section.children.length === 0) section.ownEnd = section.end;
  }
  return { lines, fenced, sections };
}

/** Marks the lines of fenced code blocks (the fence lines included); an unclosed fence runs to the end. */
export function markFencedLines(lines: string[]): boolean[] {
  const fenced: boolean[] = new Array<boolean>(lines.length).fill(false);
  let fence: string | null = null;
  lines.forEach((text, index) => {
    const match = FENCE.exec(text);
    if (fence === null) {
      if (match) {
        fence = match[1]!;
        fenced[index] = true;
      }
      return;
    }
    fenced[index] = true;
    // A closing fence uses the same character, at least as many times, and carries no info string.
    if (match && match[1]![0] === fence[0] && match[1]!.length >= fence.length && text.trim() === match[1]) {
      fence = null;
    }
  });
  return fenced;
}

/** Sections whose heading contains `needle`, case-insensitively, in document order. */
export function sectionsWithHeading(doc: MarkdownDoc, needle: string | RegExp): Section[] {
  const test =
    typeof needle === "string"
      ? (heading: string) => heading.toLowerCase().includes(needle.toLowerCase())
      : (heading: string) => needle.test(heading);
  return doc.sections.filter((section) => test(section.heading));
}

/** The innermost section containing a line, or null before the first heading. */
export function sectionAt(doc: MarkdownDoc, line: number): Section | null {
  let found: Section | null = null;
  for (const section of doc.sections) {
    if (section.line > line) break;
    if (line < section.end) found = section;
  }
  return found;
}

const THEMATIC_BREAK = /^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$/;

/**
 * The text of lines [from, to), trimmed, without the `---` rules that separate sections (they belong to the
 * layout, not to the text); fenced code is kept as written.
 */
export function textOf(doc: MarkdownDoc, from: number, to: number): string {
  const keep = (index: number) => doc.fenced[index] || !THEMATIC_BREAK.test(doc.lines[index]!);
  let start = from;
  let end = to;
  while (start < end && (doc.lines[start]!.trim() === "" || !keep(start))) start += 1;
  while (end > start && (doc.lines[end - 1]!.trim() === "" || !keep(end - 1))) end -= 1;
  return doc.lines.slice(start, end).join("\n").trim();
}

/** Pipe tables (header row followed by a `---` separator row) in lines [from, to). */
export function tablesIn(doc: MarkdownDoc, from = 0, to = doc.lines.length): MarkdownTable[] {
  const tables: MarkdownTable[] = [];
  let index = from;
  while (index < to - 1) {
    const header = doc.lines[index]!;
    const separator = doc.lines[index + 1]!;
    if (
      doc.fenced[index] ||
      doc.fenced[index + 1] ||
      !header.includes("|") ||
      !separator.includes("-") ||
      !TABLE_SEPARATOR.test(separator) ||
      HEADING.test(header)
    ) {
      index += 1;
      continue;
    }
    const table: MarkdownTable = { header: splitTableRow(header), rows: [], line: index };
    index += 2;
    while (index < to && !doc.fenced[index] && doc.lines[index]!.includes("|") && doc.lines[index]!.trim() !== "") {
      table.rows.push(splitTableRow(doc.lines[index]!));
      index += 1;
    }
    tables.push(table);
  }
  return tables;
}

/** Cells of one table row: split on unescaped pipes, outer pipes optional, `\|` unescaped. */
export function splitTableRow(line: string): string[] {
  let text = line.trim();
  if (text.startsWith("|")) text = text.slice(1);
  if (text.endsWith("|") && !text.endsWith("\\|")) text = text.slice(0, -1);
  const cells: string[] = [];
  let current = "";
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (char === "\\" && text[i + 1] === "|") {
      current += "|";
      i += 1;
    } else if (char === "|") {
      cells.push(current.trim());
      current = "";
    } else {
      current += char;
    }
  }
  cells.push(current.trim());
  return cells;
}

/**
 * Collects list items matching `start` in lines [from, to). Continuation lines (wrapped text, indented
 * sub-bullets) are joined with spaces; a blank line, heading, table row or new item ends an item.
 */
function listItems(doc: MarkdownDoc, from: number, to: number, start: RegExp): ListItem[] {
  const items: ListItem[] = [];
  let current: ListItem | null = null;
  for (let index = from; index < to; index += 1) {
    const text = doc.lines[index]!;
    if (doc.fenced[index] || text.trim() === "" || HEADING.test(text) || text.trim().startsWith("|")) {
      current = null;
      continue;
    }
    const match = start.exec(text);
    if (match) {
      current = { text: (match[1] ?? "").trim(), line: index };
      items.push(current);
    } else if (current && !TOP_LIST_ITEM.test(text)) {
      const continuation = text.replace(ANY_LIST_ITEM, "").trim();
      current.text = `${current.text} ${continuation}`.trim();
    } else {
      current = null;
    }
  }
  return items;
}

/** `1.  text` items. */
export function numberedItems(doc: MarkdownDoc, from: number, to: number): ListItem[] {
  return listItems(doc, from, to, NUMBERED_ITEM);
}

/** `- text` items (a leading `[ ]` checkbox is removed). */
export function bulletItems(doc: MarkdownDoc, from: number, to: number): ListItem[] {
  return listItems(doc, from, to, BULLET_ITEM).map((item) => ({
    ...item,
    text: item.text.replace(/^\[[ xX]\]\s+/, ""),
  }));
}

/** `- [ ] text` and `- [x] text` items, at any indentation. */
export function checkboxItems(doc: MarkdownDoc, from: number, to: number): ListItem[] {
  return listItems(doc, from, to, CHECKBOX_ITEM);
}

/**
 * Splits `**Name**: text` (or `**Name:** text`) into name and text; null when the item does not start
 * with a bold name.
 */
export function splitBoldName(text: string): { name: string; text: string } | null {
  const match = /^(\*\*|__)(.+?)\1\s*:?\s*(.*)$/.exec(text.trim());
  if (!match) return null;
  const name = match[2]!.trim().replace(/:$/, "").trim();
  if (name === "") return null;
  return { name, text: match[3]!.trim() };
}

/** Removes `**bold**` / `__bold__` markers, keeping their content and any inline code. */
export function stripBold(text: string): string {
  return text.replace(/(\*\*|__)(.+?)\1/g, "$2").trim();
}

/** Header cell reduced to letters, for matching `Anti-Pattern`, `Anti Pattern`, `**Fix**` alike. */
export function headerKey(cell: string): string {
  return stripBold(cell).toLowerCase().replace(/[^a-z]/g, "");
}
