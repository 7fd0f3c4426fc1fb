import type { LexiconTerm } from "./lexicon.js";
import { stemsMatch, termPattern, type TermPattern, type Tokens } from "./tokens.js";

/** A term of one vocabulary (0 = in-house, 1.. = delegation rows) found in the task. */
export interface TermHit {
  vocabulary: number;
  term: string;
  weight: number;
  /** The task's own words, as written. */
  surface: string;
  start: number;
}

interface Occurrence extends TermHit {
  from: number;
  to: number;
  /** Parts covered; a whole-identifier match ranks above a phrase over the same parts. */
  length: number;
}

interface CompiledTerm extends LexiconTerm {
  pattern: TermPattern;
}

// A lexicon is loaded once and looked up many times; compiling its few hundred terms is most of a lookup's cost.
const compiled = new WeakMap<LexiconTerm[], CompiledTerm[]>();

/** Compiles each vocabulary's terms (cached per array); terms without a word were refused by the loader. */
export function compileVocabularies(vocabularies: LexiconTerm[][]): CompiledTerm[][] {
  return vocabularies.map((terms) => {
    let done = compiled.get(terms);
    if (done === undefined) {
      done = terms.flatMap((t) => {
        const pattern = termPattern(t.text);
        return pattern === null ? [] : [{ ...t, pattern }];
      });
      compiled.set(terms, done);
    }
    return done;
  });
}

/**
 * Finds every vocabulary's terms in the task, longest match first: words claimed by a longer term are not
 * counted again for a shorter one ("OAuth2PasswordBearer" is in-house evidence, not "OAuth2" evidence;
 * "Google login" is not "login"). Terms of equal length over the same words count for every vocabulary
 * that lists them. Each term counts once, at its first occurrence.
 */
export function findHits(task: string, tokens: Tokens, vocabularies: CompiledTerm[][]): TermHit[] {
  const occurrences: Occurrence[] = [];
  vocabularies.forEach((terms, vocabulary) => {
    for (const term of terms) {
      for (const span of spans(term.pattern, tokens)) {
        occurrences.push({
          vocabulary,
          term: term.text,
          weight: term.weight,
          // One line: a phrase may span a line break in the task, the rationale may not.
          surface: task.slice(span.start, span.end).replace(/\s+/g, " "),
          ...span,
        });
      }
    }
  });

  occurrences.sort((a, b) => b.length - a.length || a.start - b.start);
  const claimed = new Array<boolean>(tokens.parts.length).fill(false);
  const accepted: Occurrence[] = [];
  let group: Occurrence[] = [];
  const closeGroup = (): void => {
    for (const o of group) for (let i = o.from; i < o.to; i++) claimed[i] = true;
    group = [];
  };
  for (const o of occurrences) {
    if (group.length > 0 && group[0]?.length !== o.length) closeGroup();
    let free = true;
    for (let i = o.from; i < o.to; i++) if (claimed[i]) free = false;
    if (!free) continue;
    accepted.push(o);
    group.push(o);
  }

  const seen = new Set<string>();
  return accepted
    .sort((a, b) => a.start - b.start)
    .filter((o) => {
      const key = `${o.vocabulary}\u0000${o.term}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map(({ vocabulary, term, weight, surface, start }) => ({ vocabulary, term, weight, surface, start }));
}

/** At most this many fillers in a row inside a phrase ("generate a client", "design all of the schema" is not one). */
const MAX_FILLERS = 2;

interface Span {
  from: number;
  to: number;
  length: number;
  start: number;
  end: number;
}

function* spans(pattern: TermPattern, tokens: Tokens): Generator<Span> {
  if (pattern.kind === "whole") {
    for (const w of tokens.words) {
      if (w.whole !== pattern.whole) continue;
      yield { from: w.first, to: w.last + 1, length: w.last - w.first + 1.5, start: w.start, end: w.end };
    }
    return;
  }
  const n = pattern.stems.length;
  const parts = tokens.parts;
  yield* compoundSpans(pattern.stems, tokens);
  for (let i = 0; i < parts.length; i++) {
    // A phrase runs over fillers between its words ("design the schema"), never starts or ends on one.
    let j = i;
    let k = 0;
    let skipped = 0;
    while (k < n && j < parts.length) {
      const part = parts[j];
      const want = pattern.stems[k];
      if (part === undefined || want === undefined) break;
      if (stemsMatch(part.stem, want)) {
        k++;
        j++;
        skipped = 0;
      } else if (k > 0 && part.filler && skipped < MAX_FILLERS) {
        j++;
        skipped++;
      } else break;
    }
    const first = parts[i];
    const last = parts[j - 1];
    if (k === n && first !== undefined && last !== undefined) {
      yield { from: i, to: j, length: n, start: first.start, end: last.end };
    }
  }
}

// Two task words make up a one-word term only when it is this long: "a pi" is not "api". A phrase term written
// closed ("SOC2", "groupby") is one distinctive word, so it needs less.
const MIN_SPLIT = 6;
const MIN_CLOSED = 4;

/**
 * The same word written closed or open: a phrase term matches one task word that joins it ("pen test" =
 * "pentest", "SOC 2" = "SOC2", "multi tenant" = "multitenant"), and a one-word term matches two task words
 * that make it up ("pentest" = "pen test").
 */
function* compoundSpans(stems: string[], tokens: Tokens): Generator<Span> {
  const parts = tokens.parts;
  const joined = stems.join("");
  if (joined.length < (stems.length > 1 ? MIN_CLOSED : MIN_SPLIT)) return;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part === undefined) continue;
    if (stems.length > 1 && part.stem === joined) {
      yield { from: i, to: i + 1, length: stems.length, start: part.start, end: part.end };
    }
    const next = parts[i + 1];
    // Each half a word of its own ("time it" is not "timeit").
    const halves = next !== undefined && part.stem.length >= 3 && next.stem.length >= 3;
    if (stems.length === 1 && halves && !part.filler && !next.filler && part.stem + next.stem === joined) {
      yield { from: i, to: i + 2, length: 1, start: part.start, end: next.end };
    }
  }
}
