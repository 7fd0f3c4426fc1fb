import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { auditProject, type AuditResult } from "../../checklist/audit.js";
import { deadlineAfter, timeBudgetMs } from "../../core/limits.js";
import { loadConfiguredProject } from "../../scan/run.js";
import type { ServerContext } from "../context.js";
import { progressReporter } from "../progress.js";
import { READ_ONLY_ANNOTATIONS, previewLines, structuredResult } from "../result.js";
import { DEFAULT_PERSONA, personaInput, sourceInputShape } from "./inputs.js";

const OutputShape = {
  items: z
    .array(
      z.object({
        id: z.string().describe("C01..C10"),
        item: z.string().describe("The persona's checklist text"),
        status: z.enum(["pass", "fail", "not_applicable"]),
        evidence: z.array(z.object({ file: z.string().optional(), line: z.number().int().optional(), note: z.string() })),
        fix: z.string().optional().describe("When failing: the persona's fix and a concrete next step"),
      }),
    )
    .describe("One entry per checklist item, in the persona's order"),
  summary: z.object({
    pass: z.number().int(),
    fail: z.number().int(),
    notApplicable: z.number().int(),
    filesScanned: z.number().int(),
    parseErrors: z.array(z.object({ file: z.string(), message: z.string() })),
    skipped: z.array(z.object({ file: z.string(), reason: z.string() })),
    truncatedReason: z.string().nullable(),
  }),
};

export function registerAuditChecklistTool(server: McpServer, ctx: ServerContext): void {
  server.registerTool(
    "audit_checklist",
    {
      title: "Audit project checklist",
      description:
        "Audit a whole FastAPI project against the persona's ten-item checklist (async routes, Pydantic " +
        "schemas, dependency injection, OpenAPI docs, async SQLAlchemy engine, tracked Alembic migrations, " +
        "CORS, GZip, structured logging, multi-stage Dockerfile): pass, fail or not applicable for each, with " +
        "file:line evidence and a fix for failures. Call it for questions like \"is this project production " +
        "ready?\" or \"does it follow FastAPI best practice?\". Reads Python, Dockerfiles, alembic.ini, " +
        "pyproject.toml, .gitignore and logging configs. Give a path (a project folder) or files.",
      inputSchema: { path: sourceInputShape.path, files: sourceInputShape.files, persona: personaInput },
      outputSchema: OutputShape,
      annotations: READ_ONLY_ANNOTATIONS,
    },
    async (args, extra) => {
      const persona = ctx.personas.get(args.persona ?? DEFAULT_PERSONA);
      const onProgress = progressReporter(extra);
      const input = { ...(args.path !== undefined ? { path: args.path } : {}), ...(args.files ? { files: args.files } : {}) };
      const deadline = deadlineAfter(timeBudgetMs(process.env));
      const { project } = await loadConfiguredProject(input, {
        policy: args.path !== undefined ? await ctx.getPolicy() : null,
        signal: extra.signal,
        deadline,
      });
      const result = await auditProject(project, { persona, signal: extra.signal, deadline, ...(onProgress ? { onProgress } : {}) });
      return structuredResult({ ...result }, auditSummaryText(result));
    },
  );
}

/** One line per item (status, id, text, first evidence), then the counts. */
export function auditSummaryText(result: AuditResult): string {
  const label = { pass: "PASS", fail: "FAIL", not_applicable: "N/A" } as const;
  const lines = result.items.map((i) => {
    const first = i.evidence[0];
    const where = first ? ` (${first.file ? `${first.file}${first.line ? `:${first.line}` : ""}: ` : ""}${first.note})` : "";
    return `${label[i.status]} ${i.id} ${i.item}${where}`;
  });
  const s = result.summary;
  return [
    `${s.pass} pass, ${s.fail} fail, ${s.notApplicable} not applicable (${s.filesScanned} files read).`,
    ...previewLines(lines, 12),
    ...(s.truncatedReason ? [`Truncated: ${s.truncatedReason}.`] : []),
  ].join("\n");
}
