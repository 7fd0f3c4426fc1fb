import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { delegateTask } from "../../delegation/service.js";
import { MAX_TASK_LENGTH } from "../../delegation/lookup.js";
import type { ServerContext } from "../context.js";
import { READ_ONLY_ANNOTATIONS, structuredResult } from "../result.js";
import { DEFAULT_PERSONA, personaInput } from "./inputs.js";

const OutputShape = {
  decision: z.enum(["delegate", "handle"]).describe("Hand the task to a specialist, or handle it with this persona"),
  delegate: z.string().nullable().describe("The specialist's name, null when handled in-house"),
  when: z.string().nullable().describe("The persona's own 'When' text for that specialist"),
  rationale: z.string().describe("One line: which words decided"),
  candidates: z
    .array(z.object({ name: z.string(), when: z.string(), score: z.number(), matched: z.array(z.string()) }))
    .describe("Every row of the delegation table with its score and matched words, best first"),
  persona: z
    .object({ prompt: z.string(), resource: z.string() })
    .nullable()
    .describe("When the specialist is itself a loaded persona: its prompt name and resource URI"),
};

export function registerLookupDelegationTool(server: McpServer, ctx: ServerContext): void {
  server.registerTool(
    "lookup_delegation",
    {
      title: "Look up delegation",
      description:
        "Decide whether a task belongs to this persona or to a specialist from its delegation table (for " +
        "fastapi-pro: python-pro, database-architect, frontend-developer, security-auditor), with the reason " +
        "and a score per specialist. Call it before taking on a task at the edge of the persona's scope, " +
        "e.g. OAuth with an external identity provider, schema design, client generation or Python internals.",
      inputSchema: {
        // Length is checked by the core, so an oversized task gets the same clear error in the CLI and here.
        task: z.string().describe(`The task in plain words (1 to ${MAX_TASK_LENGTH} characters)`),
        persona: personaInput,
      },
      outputSchema: OutputShape,
      annotations: READ_ONLY_ANNOTATIONS,
    },
    ({ task, persona }) => {
      const entry = ctx.personas.entry(persona ?? DEFAULT_PERSONA);
      const result = delegateTask(entry, task, ctx.personas.names());
      const head =
        result.decision === "delegate"
          ? `Delegate to ${result.delegate} (${result.when}).`
          : `Handle in-house as ${entry.persona.name}.`;
      const pointer = result.persona ? ` Its guidance: prompt "${result.persona.prompt}", resource ${result.persona.resource}.` : "";
      return structuredResult({ ...result }, `${head} ${result.rationale}${pointer}`);
    },
  );
}
