import { stem } from "./stem.js";

/** One stemmed piece of the text: a plain word, or one part of a code identifier (`create`, `async`, `engine`). */
export interface Part {
  stem: string;
  start: number;
  end: number;
  /** An article or possessive ("the", "our"): a phrase may run over it ("design the schema" = "design schema"). */
  filler: boolean;
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

// Words that sit inside a phrase without changing it: "generate a client", "generate our client", "design the
// schema". Only plain words; they never start a match.
const FILLERS = new Set(["a", "an", "the", "our", "my", "your", "their", "its", "this", "these", "some"]);

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
          parts.push({ stem: stem(p[0]), start: pStart, end: pStart + p[0].length, filler: false });
        }
        offset += piece.length + 1;
      }
      if (parts.length === first) continue; // only underscores
    } else {
      parts.push({ stem: stem(raw), start, end: start + m[0].length, filler: FILLERS.has(raw.toLowerCase()) });
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
  // Fillers inside a term are skipped like fillers in the task; a term of fillers only keeps them.
  const topical = parts.filter((p) => !p.filler);
  return { kind: "phrase", stems: (topical.length > 0 ? topical : parts).map((p) => p.stem) };
}

// Stems this long are distinctive enough that one slip of the keyboard still means the same word
// ("dependancy", "interceptr", "extenstion"); shorter ones would merge real words ("shard"/"share").
const FUZZY_MIN_LENGTH = 7;
const VOWELS = "aeiou";

/**
 * A task word's stem against a term's: equal, or for long words one typo apart with the same first letter.
 * The typos are the ones that rarely make another real word: a letter doubled, dropped or added inside the
 * word, two neighbours swapped, or one vowel for another ("dependancy"). A consonant for another, or a letter
 * added at the end, too often is another word ("general"/"generate", "context"/"content", "historic"/"history").
 */
export function stemsMatch(taskStem: string, termStem: string): boolean {
  if (taskStem === termStem) return true;
  if (termStem.length < FUZZY_MIN_LENGTH || taskStem.length < FUZZY_MIN_LENGTH) return false;
  if (taskStem[0] !== termStem[0] || /[^a-z]/.test(taskStem) || /[^a-z]/.test(termStem)) return false;
  return oneTypoApart(taskStem, termStem);
}

function oneTypoApart(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    const x = a[i] ?? "";
    const y = b[i] ?? "";
    if (a.slice(i + 1) === b.slice(i + 1)) return VOWELS.includes(x) && VOWELS.includes(y);
    return x === b[i + 1] && a[i + 1] === y && a.slice(i + 2) === b.slice(i + 2);
  }
  const [long, short] = a.length > b.length ? [a, b] : [b, a];
  return i < short.length && long.slice(i + 1) === short.slice(i);
}
