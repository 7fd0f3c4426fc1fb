import { loadCliPersonas, writeJson, type CliContext } from "../context.js";
import { paintFor } from "../terminal.js";

/** `persona-mcp personas`: the personas the CLI can use, as list_personas shows them to a client. */
export async function runPersonas(ctx: CliContext): Promise<number> {
  const registry = await loadCliPersonas(ctx);
  const entries = registry.list();
  if (ctx.options.format === "json") {
    writeJson(ctx, {
      personas: entries.map(({ persona, file }) => ({
        name: persona.name,
        description: persona.description,
        version: persona.version,
        triggers: persona.triggers,
        skills: persona.skills,
        delegates: persona.delegation.map((d) => d.delegate),
        file,
      })),
    });
    return 0;
  }
  const paint = paintFor(ctx.term.stdout, ctx.term.env);
  const lines = entries.map(
    ({ persona }) => `${paint.bold(persona.name)}${persona.version ? ` ${persona.version}` : ""}: ${persona.description}`,
  );
  ctx.term.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}
