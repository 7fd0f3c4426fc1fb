import { delegateTask } from "../../delegation/service.js";
import { loadCliPersonas, writeJson, type CliContext } from "../context.js";
import { paintFor } from "../terminal.js";

/** `persona-mcp delegate "<task>"`: the lookup_delegation tool's core; words after the command form the task. */
export async function runDelegate(ctx: CliContext): Promise<number> {
  const { options, term } = ctx;
  const registry = await loadCliPersonas(ctx);
  const entry = registry.entry(options.persona);
  const result = delegateTask(entry, options.positionals.join(" "), registry.names());
  if (options.format === "json") {
    writeJson(ctx, result);
    return 0;
  }
  const paint = paintFor(term.stdout, term.env);
  const lines = [
    result.decision === "delegate"
      ? `${paint.bold(`Delegate to ${result.delegate}`)} (${result.when})`
      : paint.bold(`Handle in-house as ${entry.persona.name}`),
    result.rationale,
  ];
  if (result.persona) lines.push(`Its guidance: prompt "${result.persona.prompt}", resource ${result.persona.resource}`);
  if (result.candidates.length > 0) {
    lines.push("", "Candidates:");
    const width = Math.max(...result.candidates.map((c) => c.name.length));
    for (const c of result.candidates) {
      const matched = c.matched.length > 0 ? `  matched: ${c.matched.join(", ")}` : "";
      lines.push(`  ${c.name.padEnd(width)}  ${c.score.toFixed(2)}${matched}`);
    }
  }
  term.stdout.write(`${lines.join("\n")}\n`);
  // Routing is an answer, not a finding: nothing here should fail a script.
  return 0;
}
