import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { GetPromptResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { Persona } from "../persona/schema.js";
import type { ServerContext } from "./context.js";

/**
 * The prompt's messages: one user message with the persona's guidance (the body, which the parser already
 * cleaned of front matter and runtime markers) and the task, if any. One message rather than two because
 * some clients merge or drop consecutive same-role messages.
 */
export function personaPromptMessages(persona: Persona, task: string | undefined): GetPromptResult["messages"] {
  const guidance = persona.body.trim();
  const trimmedTask = task?.trim();
  const text = trimmedTask
    ? `${guidance}\n\n---\n\nAct as the persona above for this task:\n\n${trimmedTask}`
    : guidance;
  return [{ role: "user", content: { type: "text", text } }];
}

/** One prompt per persona, named after it, with an optional `task`. */
export function registerPrompts(server: McpServer, ctx: ServerContext): void {
  for (const { persona } of ctx.personas.list()) {
    server.registerPrompt(
      persona.name,
      {
        title: persona.title ?? persona.name,
        description: persona.description || `The ${persona.name} persona`,
        argsSchema: {
          task: z
            .string()
            .optional()
            .describe("What you want done, e.g. \"review app/api/users.py\"; omit to load the persona alone"),
        },
      },
      ({ task }) => ({
        description: persona.description,
        messages: personaPromptMessages(persona, task),
      }),
    );
  }
}
