import type {
  AntiPattern,
  ChecklistItem,
  DecisionStep,
  DelegationRow,
  Pattern,
  Persona,
  Principle,
  ValidationCheck,
} from "./schema.js";
import { parseFrontMatter } from "./front-matter.js";
import { PersonaParseError } from "./parse-error.js";
import {
  bulletItems,
  checkboxItems,
  headerKey,
  markFencedLines,
  numberedItems,
  parseMarkdown,
  sectionAt,
  sectionsWithHeading,
  splitBoldName,
  stripBold,
  tablesIn,
  textOf,
  type MarkdownDoc,
  type MarkdownTable,
  type Section,
} from "./sections.js";

export { PersonaParseError } from "./parse-error.js";

const RUNTIME_MARKER = /^[ \t]*\/\/[ \t]*(?:turbo-all|parallel|end-parallel)[ \t]*\r?$/i;

/** Removes agent-runtime marker lines (`// turbo-all`, `// parallel`, `// end-parallel`) outside code blocks. */
export function stripRuntimeMarkers(markdown: string): string {
  const lines = markdown.split("\n");
  const fenced = markFencedLines(lines);
  return lines.filter((line, index) => fenced[index] || !RUNTIME_MARKER.test(line)).join("\n");
}

/**
 * Parses a persona markdown file into a Persona. Sections and tables are found by heading text and header
 * row, so `##` and `###` layouts alike parse. Throws PersonaParseError naming the file and section.
 */
export function parsePersona(markdown: string, file: string): Persona {
  const front = parseFrontMatter(markdown, file);
  const body = cleanBody(front.content);
  const doc = parseMarkdown(body);
  return {
    name: front.name,
    description: front.description,
    version: front.version,
    agents: front.agents,
    skills: front.skills,
    allowedTools: front.allowedTools,
    triggers: front.triggers,
    extraFrontMatter: front.extraFrontMatter,
    title: title(doc),
    delegation: delegation(doc, file),
    validationChecks: validationChecks(doc),
    decisionFramework: decisionFramework(doc),
    principles: principles(doc),
    patterns: patterns(doc),
    antiPatterns: antiPatterns(doc, file),
    checklist: checklist(doc),
    body,
    markdown,
  };
}

function cleanBody(content: string): string {
  const text = stripRuntimeMarkers(content.replace(/\r\n?/g, "\n"))
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return text === "" ? "" : `${text}\n`;
}

function title(doc: MarkdownDoc): string | null {
  const heading = doc.sections.find((section) => section.level === 1 && !/^persona:/i.test(section.heading));
  return heading ? heading.heading : null;
}

function columnsOf(table: MarkdownTable): string {
  return table.header.map((cell) => `"${cell}"`).join(", ");
}

function delegation(doc: MarkdownDoc, file: string): DelegationRow[] {
  const rows: DelegationRow[] = [];
  for (const table of tablesIn(doc)) {
    const keys = table.header.map(headerKey);
    const delegateColumn = keys.findIndex((key) => key === "delegateto" || key === "delegate");
    const whenColumn = keys.indexOf("when");
    const section = sectionAt(doc, table.line);
    const inDelegationSection = section !== null && /delegation/i.test(section.heading);
    if (delegateColumn < 0 || whenColumn < 0) {
      if (inDelegationSection) {
        throw new PersonaParseError(
          file,
          section.heading,
          `the table has columns ${columnsOf(table)}; a delegation table needs "Delegate To" and "When" columns`,
        );
      }
      continue;
    }
    table.rows.forEach((cells, index) => {
      if (cells.every((cell) => cell === "")) return;
      const delegate = stripBold(cells[delegateColumn] ?? "").replace(/^`(.*)`$/, "$1").trim();
      if (delegate === "") {
        throw new PersonaParseError(file, section?.heading ?? "delegation", `row ${index + 1} of the delegation table names no delegate`);
      }
      rows.push({ delegate, when: cells[whenColumn] ?? "" });
    });
  }
  return rows;
}

function antiPatterns(doc: MarkdownDoc, file: string): AntiPattern[] {
  const result: AntiPattern[] = [];
  for (const table of tablesIn(doc)) {
    const keys = table.header.map(headerKey);
    const nameColumn = keys.indexOf("antipattern");
    const fixColumn = keys.indexOf("fix");
    const section = sectionAt(doc, table.line);
    if (nameColumn < 0 || fixColumn < 0) {
      if (section !== null && headerKey(section.heading).includes("antipattern")) {
        throw new PersonaParseError(
          file,
          section.heading,
          `the table has columns ${columnsOf(table)}; an anti-pattern table needs "Anti-Pattern" and "Fix" columns`,
        );
      }
      continue;
    }
    table.rows.forEach((cells, index) => {
      if (cells.every((cell) => cell === "")) return;
      const name = stripBold(cells[nameColumn] ?? "");
      if (name === "") {
        throw new PersonaParseError(file, section?.heading ?? "anti-patterns", `row ${index + 1} of the anti-pattern table names no anti-pattern`);
      }
      const extra: Record<string, string> = {};
      table.header.forEach((header, column) => {
        if (column !== nameColumn && column !== fixColumn) extra[stripBold(header)] = stripBold(cells[column] ?? "");
      });
      result.push({ name, fix: stripBold(cells[fixColumn] ?? ""), extra });
    });
  }
  return result;
}

/** Tries each candidate section in turn; the first that yields anything wins. */
function firstFound<T>(candidates: Section[], extract: (section: Section) => T[]): T[] {
  for (const section of candidates) {
    const found = extract(section);
    if (found.length > 0) return found;
  }
  return [];
}

/** `1.  **Name**: text` items written directly under the heading (before any sub-heading). */
function boldNumbered(doc: MarkdownDoc, section: Section): { name: string; text: string }[] {
  return numberedItems(doc, section.line + 1, section.ownEnd).flatMap((item) => splitBoldName(item.text) ?? []);
}

/** Direct sub-sections whose heading matches `pattern`, with the captured name (bold removed). */
function numberedChildren(section: Section, pattern: RegExp): { name: string; child: Section }[] {
  return section.children.flatMap((child) => {
    const name = pattern.exec(child.heading)?.[1];
    return name === undefined || stripBold(name) === "" ? [] : [{ name: stripBold(name), child }];
  });
}

const NUMBER_PREFIX = String.raw`\d+\s*[.):\-–]`;

function headingPattern(word: string): RegExp {
  return new RegExp(String.raw`^(?:${word}\s+\d+\s*[.):\-–]?|${NUMBER_PREFIX})\s*(.+)$`, "i");
}

function collapse(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function validationChecks(doc: MarkdownDoc): ValidationCheck[] {
  // Framework headings first, so a "Validation Strategy" sub-step elsewhere is not mistaken for the checks.
  const candidates = [
    ...sectionsWithHeading(doc, /validation\s+(?:framework|checks?)/i),
    ...sectionsWithHeading(doc, "validation"),
  ];
  return firstFound(candidates, (section) => {
    const numbered = boldNumbered(doc, section);
    if (numbered.length > 0) return numbered.map(({ name, text }) => ({ name, question: text, items: [] }));
    return numberedChildren(section, headingPattern("check")).map(({ name, child }) => {
      const checkboxes = checkboxItems(doc, child.line + 1, child.end);
      const items = (checkboxes.length > 0 ? checkboxes : bulletItems(doc, child.line + 1, child.end)).map((item) => item.text);
      const question = items.length > 0 ? items.join(" ") : collapse(textOf(doc, child.line + 1, child.end));
      return { name, question, items };
    });
  });
}

function decisionFramework(doc: MarkdownDoc): DecisionStep[] {
  return firstFound(sectionsWithHeading(doc, "decision framework"), (section) => {
    const numbered = boldNumbered(doc, section);
    if (numbered.length > 0) return numbered;
    return numberedChildren(section, headingPattern("step")).map(({ name, child }) => ({
      name,
      text: textOf(doc, child.line + 1, child.end),
    }));
  });
}

/** Splits `Async First (Target: 100%)` into the name and the target. */
function withTarget(label: string): { name: string; target: string | null } {
  const match = /^(.*?)\s*\(\s*target\s*:\s*([^)]*?)\s*\)\s*$/i.exec(label);
  if (!match || match[1]!.trim() === "") return { name: label.trim(), target: null };
  return { name: match[1]!.trim(), target: match[2]! === "" ? null : match[2]! };
}

function principles(doc: MarkdownDoc): Principle[] {
  return firstFound(sectionsWithHeading(doc, "principles"), (section) => {
    const numbered = boldNumbered(doc, section);
    if (numbered.length > 0) return numbered.map(({ name, text }) => ({ ...withTarget(name), text }));
    return numberedChildren(section, headingPattern("principle")).map(({ name, child }) => {
      const bullets = bulletItems(doc, child.line + 1, child.end).map((item) => item.text);
      const text = bullets.length > 0 ? bullets.join(" ") : collapse(textOf(doc, child.line + 1, child.end));
      return { ...withTarget(name), text };
    });
  });
}

function patterns(doc: MarkdownDoc): Pattern[] {
  return firstFound(sectionsWithHeading(doc, "quick reference"), (section) =>
    bulletItems(doc, section.line + 1, section.end).flatMap((item) => splitBoldName(item.text) ?? []),
  );
}

function checklist(doc: MarkdownDoc): ChecklistItem[] {
  return firstFound(sectionsWithHeading(doc, "checklist"), (section) =>
    checkboxItems(doc, section.line + 1, section.end)
      .filter((item) => item.text !== "")
      .map((item, index) => ({ id: `C${String(index + 1).padStart(2, "0")}`, text: item.text })),
  );
}
