import { UserError } from "../core/errors.js";
import type { Persona } from "../persona/schema.js";
import { fallbackVocabularies } from "./fallback.js";
import type { Lexicon, LexiconTerm } from "./lexicon.js";
import { compileVocabularies, findHits, type TermHit } from "./match.js";
import { tokenize } from "./tokens.js";

export interface DelegationCandidate {
  name: string;
  when: string;
  score: number;
  matched: string[];
}

export interface DelegationResult {
  decision: "delegate" | "handle";
  delegate: string | null;
  when: string | null;
  rationale: string;
  candidates: DelegationCandidate[];
  persona: { prompt: string; resource: string } | null;
}

export const MAX_TASK_LENGTH = 4000;

// Without a lexicon every table word weighs the same, so any lead decides and a single word is enough.
const FALLBACK_MARGIN = 0;
const FALLBACK_MIN_SCORE = 1;
const RATIONALE_WORDS = 4;

interface Side {
  score: number;
  hits: TermHit[];
}

/** Routes a task to a row of the persona's delegation table, or keeps it in-house, saying which words decided. */
export function lookupDelegation(args: {
  persona: Persona;
  lexicon: Lexicon | null;
  task: string;
  loadedPersonas: string[];
}): DelegationResult {
  const { persona, lexicon, loadedPersonas } = args;
  const task = checkTask(args.task);

  const fallback = fallbackVocabularies(persona);
  const rowTerms: LexiconTerm[][] = persona.delegation.map(
    (row, i) => lexicon?.delegates[row.delegate] ?? fallback.rows[i] ?? [],
  );
  const handleTerms = lexicon?.handle ?? fallback.handle;
  const margin = lexicon?.margin ?? FALLBACK_MARGIN;
  const minScore = lexicon?.minScore ?? FALLBACK_MIN_SCORE;

  const hits = findHits(task, tokenize(task), compileVocabularies([handleTerms, ...rowTerms]));
  const sideOf = (vocabulary: number): Side => {
    const own = hits.filter((h) => h.vocabulary === vocabulary);
    return { score: dampedScore(own), hits: own };
  };
  const inHouse = sideOf(0);
  const rows = persona.delegation.map((row, i) => ({ row, order: i, ...sideOf(i + 1) }));
  const ranked = [...rows].sort((a, b) => b.score - a.score || a.order - b.order);

  const candidates = ranked.map((r) => ({
    name: r.row.delegate,
    when: r.row.when,
    score: round(r.score),
    matched: r.hits.map((h) => h.surface),
  }));

  const best = ranked[0];
  const delegates = best !== undefined && best.score >= minScore && best.score - inHouse.score > margin;
  if (!delegates || best === undefined) {
    return {
      decision: "handle",
      delegate: null,
      when: null,
      rationale: handleRationale(persona.name, inHouse, best, minScore),
      candidates,
      persona: null,
    };
  }
  const name = best.row.delegate;
  return {
    decision: "delegate",
    delegate: name,
    when: best.row.when,
    rationale: `Delegate to ${name} (${best.row.when}): ${quote(best.hits)} (score ${round(best.score)}) ${
      inHouse.hits.length > 0
        ? `outweighs in-house ${quote(inHouse.hits)} (score ${round(inHouse.score)})`
        : "and nothing in-house matched"
    }.`,
    candidates,
    persona: loadedPersonas.includes(name) ? { prompt: name, resource: `persona://${name}` } : null,
  };
}

function checkTask(task: string): string {
  if (typeof task !== "string" || task.trim() === "") {
    throw new UserError("task is empty: describe the work in a sentence, e.g. \"partition the events table by month\"");
  }
  if (task.length > MAX_TASK_LENGTH) {
    throw new UserError(
      `task is ${task.length} characters, over the ${MAX_TASK_LENGTH}-character limit: describe the work in a few sentences`,
    );
  }
  return task;
}

/**
 * The strongest word counts in full and each further one half as much as the one before, so one strong term
 * outweighs any number of passing mentions ("our FastAPI app with SQLAlchemy and Alembic") while two strong
 * in-house terms still outweigh one strong delegate term.
 */
function dampedScore(hits: TermHit[]): number {
  return [...hits]
    .map((h) => h.weight)
    .sort((a, b) => b - a)
    .reduce((sum, w, i) => sum + w / 2 ** i, 0);
}

function handleRationale(
  personaName: string,
  inHouse: Side,
  best: { row: { delegate: string }; score: number; hits: TermHit[] } | undefined,
  minScore: number,
): string {
  const own =
    inHouse.hits.length > 0
      ? `in-house ${quote(inHouse.hits)} (score ${round(inHouse.score)})`
      : "nothing in-house matched";
  if (best === undefined || best.hits.length === 0) {
    return `Handle in ${personaName}: no delegate's words matched; ${own}.`;
  }
  const theirs = `${best.row.delegate}'s ${quote(best.hits)} (score ${round(best.score)})`;
  if (inHouse.score > best.score) return `Handle in ${personaName}: ${own} outweighs ${theirs}.`;
  if (inHouse.score === best.score) return `Handle in ${personaName}: ${own} ties with ${theirs}; ties stay in-house.`;
  if (best.score < minScore) return `Handle in ${personaName}: ${theirs} is too little to delegate on; ${own}.`;
  return `Handle in ${personaName}: ${theirs} is not clearly ahead of ${own}.`;
}

/** The deciding words, strongest first, as the task wrote them. */
function quote(hits: TermHit[]): string {
  const words = [...hits].sort((a, b) => b.weight - a.weight || a.start - b.start).map((h) => `"${h.surface}"`);
  const shown = words.slice(0, RATIONALE_WORDS).join(", ");
  return words.length > RATIONALE_WORDS ? `${shown} and ${words.length - RATIONALE_WORDS} more` : shown;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
