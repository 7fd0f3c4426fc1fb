import type { Persona } from "../persona/schema.js";
import type { LexiconTerm } from "./lexicon.js";
import { tokenize } from "./tokens.js";

// Words of a table cell that say nothing about a topic. Role suffixes ("pro") would tie every "-pro" name.
const STOP = new Set(
  `a an and are as at be by for from in into is it of on or the to via vs with without pro use using`.split(" "),
);

// A phrase from the table ("schema design") is better evidence than either of its words alone.
const WORD_WEIGHT = 1;
const PHRASE_WEIGHT = 2;

/**
 * Builds vocabularies from the persona itself when it has no lexicon file: each delegation row from its
 * delegate name and When text, the in-house scope from its skills and decision framework.
 */
export function fallbackVocabularies(persona: Persona): { handle: LexiconTerm[]; rows: LexiconTerm[][] } {
  const rows = persona.delegation.map((row) => termsFrom([row.delegate.replace(/[-_]/g, " "), row.when]));
  const framework = persona.decisionFramework.flatMap((step) => [step.name, step.text]);
  const handle = termsFrom([...persona.skills.map((s) => s.replace(/[-_]/g, " ")), ...framework]);
  return { handle, rows };
}

function termsFrom(texts: string[]): LexiconTerm[] {
  const terms = new Map<string, LexiconTerm>();
  const add = (text: string, weight: number): void => {
    const key = text.toLowerCase();
    if (!terms.has(key)) terms.set(key, { text, weight });
  };
  for (const text of texts) {
    for (const chunk of text.split(/[,;:/()|]+/)) {
      const words = [...chunk.matchAll(/[A-Za-z0-9_.]+/g)]
        .map((m) => m[0].replace(/^\.+|\.+$/g, ""))
        .filter((w) => isTopical(w));
      if (words.length > 1) add(words.join(" "), PHRASE_WEIGHT);
      for (const w of words) add(w, WORD_WEIGHT);
    }
  }
  return [...terms.values()];
}

/** Version numbers and stop words would match unrelated tasks. */
function isTopical(word: string): boolean {
  if (word.length < 2 || STOP.has(word.toLowerCase())) return false;
  if (/^v?[0-9.]+$/i.test(word)) return false;
  return tokenize(word).words.length > 0;
}
