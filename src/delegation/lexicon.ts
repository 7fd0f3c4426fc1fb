import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { z } from "zod";
import { UserError } from "../core/errors.js";
import { termPattern } from "./tokens.js";

/** One term and the evidence it carries for its row. */
export interface LexiconTerm {
  text: string;
  weight: number;
}

/**
 * The words that tie a task to each row of a persona's delegation table, and to the persona's own scope.
 * Kept as data beside the persona (`<name>.delegation.yaml`) so each persona brings its own vocabulary.
 */
export interface Lexicon {
  /** Where it was read from, for messages. */
  source: string;
  /** A delegate must beat the in-house score by more than this. */
  margin: number;
  /** A delegate needs at least this much evidence; below it one stray word cannot send a task away. */
  minScore: number;
  /** The persona's own scope ("handle"). */
  handle: LexiconTerm[];
  /** Keyed by the delegate name as written in the persona's delegation table. */
  delegates: Record<string, LexiconTerm[]>;
}

const TermList = z.array(z.string().trim().min(1, "empty term"));

const TierSchema = z
  .object({ strong: TermList.optional(), normal: TermList.optional(), weak: TermList.optional() })
  .strict();

const WeightsSchema = z
  .object({ strong: z.number().positive(), normal: z.number().positive(), weak: z.number().positive() })
  .strict();

const LexiconFileSchema = z
  .object({
    margin: z.number().min(0).default(0),
    minScore: z.number().min(0).default(1),
    weights: WeightsSchema.default({ strong: 4, normal: 2, weak: 1 }),
    handle: TierSchema,
    delegates: z.record(z.string().min(1), TierSchema),
  })
  .strict();

type Tiers = z.infer<typeof TierSchema>;
type Weights = z.infer<typeof WeightsSchema>;

/** Reads `<dir>/<personaName>.delegation.yaml` beside the persona file; null when absent. Throws UserError naming the file on a malformed one. */
export function loadLexicon(dir: string, personaName: string): Lexicon | null {
  const file = join(dir, `${personaName}.delegation.yaml`);
  if (!existsSync(file)) return null;
  return parseLexicon(readFileSync(file, "utf8"), file);
}

/** Parses lexicon YAML text; `source` names the file in error messages. */
export function parseLexicon(text: string, source: string): Lexicon {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}` : "";
    // The parser's message goes on with a code excerpt; its first line is the part worth showing.
    const first = ((err as Error).message.split("\n")[0] ?? "").replace(/:$/, "");
    throw new UserError(`${source}: not valid YAML${where}: ${first}`);
  }
  const parsed = LexiconFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue && issue.path.length > 0 ? issue.path.join(".") : "(top level)";
    throw new UserError(
      `${source}: ${path}: ${issue?.message ?? "invalid"}; expected margin, minScore, weights, ` +
        `handle {strong, normal, weak} and delegates {<name>: {strong, normal, weak}}`,
    );
  }
  const data = parsed.data;
  const delegates: Record<string, LexiconTerm[]> = {};
  for (const [name, tiers] of Object.entries(data.delegates)) {
    delegates[name] = flatten(tiers, data.weights, `delegates.${name}`, source);
  }
  return {
    source,
    margin: data.margin,
    minScore: data.minScore,
    handle: flatten(data.handle, data.weights, "handle", source),
    delegates,
  };
}

function flatten(tiers: Tiers, weights: Weights, where: string, source: string): LexiconTerm[] {
  const terms: LexiconTerm[] = [];
  const seen = new Map<string, string>();
  for (const tier of ["strong", "normal", "weak"] as const) {
    for (const text of tiers[tier] ?? []) {
      const pattern = termPattern(text);
      if (pattern === null) throw new UserError(`${source}: ${where}.${tier}: "${text}" holds no word to match`);
      // Two spellings that normalise alike would count one word twice, at two weights: a data mistake.
      const key = pattern.kind === "whole" ? `=${pattern.whole}` : pattern.stems.join(" ");
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        throw new UserError(`${source}: ${where}: "${text}" matches the same words as "${earlier}"; keep one`);
      }
      seen.set(key, text);
      terms.push({ text, weight: weights[tier] });
    }
  }
  return terms;
}
