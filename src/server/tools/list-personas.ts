import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { ServerContext } from "../context.js";
import { READ_ONLY_ANNOTATIONS, structuredResult } from "../result.js";

const PersonaSummarySchema = z.object({
  name: z.string().describe("Persona name: the prompt name and the persona://{name} resource"),
  description: z.string(),
  version: z.string().nullable(),
  triggers: z.array(z.string()).describe("When the persona applies, e.g. file:.py, keyword:fastapi"),
  skills: z.array(z.string()),
  delegates: z.array(z.string()).describe("Specialists this persona hands work to"),
});

const OutputSchema = z.object({ personas: z.array(PersonaSummarySchema) });

export function registerListPersonasTool(server: McpServer, ctx: ServerContext): void {
  server.registerTool(
    "list_personas",
    {
      title: "List personas",
      description:
        "List the expert personas this server offers (name, description, version, triggers, skills, the " +
        "specialists each delegates to). Call it first when you do not know which persona fits a task or which " +
        "names the other tools' `persona` argument accepts.",
      inputSchema: {},
      outputSchema: OutputSchema.shape,
      annotations: READ_ONLY_ANNOTATIONS,
    },
    () => {
      const personas = ctx.personas.list().map(({ persona }) => ({
        name: persona.name,
        description: persona.description,
        version: persona.version,
        triggers: persona.triggers,
        skills: persona.skills,
        delegates: persona.delegation.map((row) => row.delegate),
      }));
      const lines = personas.map(
        (p) => `${p.name}${p.version ? ` ${p.version}` : ""}: ${p.description}`,
      );
      const text = `${personas.length} persona${personas.length === 1 ? "" : "s"}:\n${lines.join("\n")}`;
      return structuredResult({ personas }, text);
    },
  );
}
