import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { PersonaSchema } from "../../persona/schema.js";
import type { ServerContext } from "../context.js";
import { READ_ONLY_ANNOTATIONS, structuredResult } from "../result.js";

// Reuses the persona model's own schemas so the tool's contract cannot drift from the parser's.
const OutputSchema = PersonaSchema.pick({
  name: true,
  description: true,
  version: true,
  skills: true,
  triggers: true,
  delegation: true,
  validationChecks: true,
  decisionFramework: true,
  principles: true,
  patterns: true,
  antiPatterns: true,
  checklist: true,
}).extend({
  markdown: z
    .string()
    .describe("The persona's guidance as markdown, without front matter and agent-runtime markers"),
});

export function registerGetPersonaTool(server: McpServer, ctx: ServerContext): void {
  server.registerTool(
    "get_persona",
    {
      title: "Get persona",
      description:
        "Get one persona as structured data: its checklist (C01..), anti-patterns with fixes, delegation " +
        "table, pre-response validation checks, principles, decision framework and quick-reference patterns, " +
        "plus its markdown. Call it when you need the persona's rules themselves, e.g. to review code or plan " +
        "work the way the expert would; to analyse code, prefer scan_anti_patterns or audit_checklist.",
      inputSchema: {
        name: z.string().min(1).describe('Persona name as listed by list_personas, e.g. "fastapi-pro"'),
      },
      outputSchema: OutputSchema.shape,
      annotations: READ_ONLY_ANNOTATIONS,
    },
    ({ name }) => {
      const p = ctx.personas.get(name);
      const data = {
        name: p.name,
        description: p.description,
        version: p.version,
        skills: p.skills,
        triggers: p.triggers,
        delegation: p.delegation,
        validationChecks: p.validationChecks,
        decisionFramework: p.decisionFramework,
        principles: p.principles,
        patterns: p.patterns,
        antiPatterns: p.antiPatterns,
        checklist: p.checklist,
        markdown: p.body,
      };
      // The text block carries the guidance itself: clients that show only text would otherwise get a
      // summary of a persona instead of the persona (a few KB, far under output caps).
      const text =
        `${p.name}${p.version ? ` ${p.version}` : ""}: ${p.description}\n` +
        `${p.checklist.length} checklist items, ${p.antiPatterns.length} anti-patterns, ` +
        `${p.validationChecks.length} validation checks; ` +
        `delegates to: ${p.delegation.map((row) => row.delegate).join(", ") || "nobody"}.\n\n` +
        p.body.trim();
      return structuredResult(data, text);
    },
  );
}
