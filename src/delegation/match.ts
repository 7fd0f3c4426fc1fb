import type { LexiconTerm } from "./lexicon.js";
import { termPattern, type TermPattern, type Tokens } from "./tokens.js";

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
          surface: task.slice(span.start, span.end),
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
  for (let i = 0; i + n <= tokens.parts.length; i++) {
    let ok = true;
    for (let k = 0; k < n && ok; k++) ok = tokens.parts[i + k]?.stem === pattern.stems[k];
    const first = tokens.parts[i];
    const last = tokens.parts[i + n - 1];
    if (ok && first !== undefined && last !== undefined) {
      yield { from: i, to: i + n, length: n, start: first.start, end: last.end };
    }
  }
}
