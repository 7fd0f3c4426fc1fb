import { stem } from "./stem.js";

/** One stemmed piece of the text: a plain word, or one part of a code identifier (`create`, `async`, `engine`). */
export interface Part {
  stem: string;
  start: number;
  end: number;
}

/** A word as written: a plain word, acronym or code identifier, covering parts [first, last]. */
export interface Word {
  /** Lowercased and stemmed whole (`oauth2passwordbearer`, `create_async_engine`), for identifier terms. */
  whole: string;
  first: number;
  last: number;
  start: number;
  end: number;
}

export interface Tokens {
  parts: Part[];
  words: Word[];
}

/** How a lexicon term is looked for: a whole identifier, or a run of stemmed parts (a word or phrase). */
export type TermPattern = { kind: "whole"; whole: string } | { kind: "phrase"; stems: string[] };

// Hyphens, slashes, dots and brackets separate words; underscores stay inside identifiers.
const RAW_WORD = /[A-Za-z0-9_]+/g;
// camelCase and PascalCase pieces, keeping acronyms together (HTTPBearer -> HTTP, Bearer) and digits attached.
const CAMEL_PIECE = /[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+/g;

function isIdentifier(raw: string): boolean {
  return raw.includes("_") || /[a-z][A-Z]/.test(raw) || /[A-Z]{2}[a-z]/.test(raw);
}

/** "CTEs", "APIs", "SDKs": a plural acronym is the acronym, not a camelCase identifier. */
function normaliseAcronymPlural(raw: string): string {
  return /^[A-Z]{2,}s$/.test(raw) ? raw.slice(0, -1) : raw;
}

/** Splits text into stemmed parts and the words (identifiers included) that hold them. */
export function tokenize(text: string): Tokens {
  const parts: Part[] = [];
  const words: Word[] = [];
  for (const m of text.matchAll(RAW_WORD)) {
    const raw = normaliseAcronymPlural(m[0]);
    const start = m.index;
    const first = parts.length;
    if (isIdentifier(raw)) {
      let offset = 0;
      for (const piece of raw.split("_")) {
        for (const p of piece.matchAll(CAMEL_PIECE)) {
          const pStart = start + offset + p.index;
          parts.push({ stem: stem(p[0]), start: pStart, end: pStart + p[0].length });
        }
        offset += piece.length + 1;
      }
      if (parts.length === first) continue; // only underscores
    } else {
      parts.push({ stem: stem(raw), start, end: start + m[0].length });
    }
    words.push({ whole: stem(raw), first, last: parts.length - 1, start, end: start + m[0].length });
  }
  return { parts, words };
}

/** Compiles a term as the lexicon writes it; null when it holds no word at all. */
export function termPattern(term: string): TermPattern | null {
  const { parts, words } = tokenize(term);
  if (words.length === 0) return null;
  const only = words[0];
  // An identifier term (`__new__`, `create_async_engine`, `OAuth2PasswordBearer`) means the identifier, not its
  // parts: "__new__" must not match the English word "new".
  if (words.length === 1 && only !== undefined && (only.last > only.first || term.includes("_"))) {
    return { kind: "whole", whole: only.whole };
  }
  return { kind: "phrase", stems: parts.map((p) => p.stem) };
}
