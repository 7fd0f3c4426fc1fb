import type { LoadedPersona } from "../persona/schema.js";
import { loadLexicon, type Lexicon } from "./lexicon.js";
import { lookupDelegation, type DelegationResult } from "./lookup.js";

const lexicons = new Map<string, Lexicon | null>();

/**
 * Routes a task with a loaded persona's delegation table and the lexicon beside its file. Lexicons are read
 * once per file: personas do not change while the server runs.
 */
export function delegateTask(entry: LoadedPersona, task: string, loadedPersonas: string[]): DelegationResult {
  const key = `${entry.dir}\0${entry.persona.name}`;
  if (!lexicons.has(key)) lexicons.set(key, loadLexicon(entry.dir, entry.persona.name));
  return lookupDelegation({ persona: entry.persona, lexicon: lexicons.get(key) ?? null, task, loadedPersonas });
}
