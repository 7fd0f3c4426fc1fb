import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { deadlineAfter, timeBudgetMs } from "../../core/limits.js";
import { scanInput } from "../../scan/run.js";
import type { ScanResult } from "../../scan/scan.js";
import type { ServerContext } from "../context.js";
import { progressReporter } from "../progress.js";
import { READ_ONLY_ANNOTATIONS, previewLines, structuredResult } from "../result.js";
import { DEFAULT_PERSONA, personaInput, sourceInputShape } from "./inputs.js";

const FindingSchema = z.object({
  rule: z.string().describe("Rule code, e.g. FAPI004"),
  name: z.string().describe("Rule name, e.g. return-dict"),
  antiPattern: z.string().describe("The persona anti-pattern or principle the rule implements"),
  severity: z.enum(["error", "warning", "info"]),
  message: z.string(),
  fix: z.string().describe("The persona's fix for this anti-pattern"),
  file: z.string().describe("Relative to the scanned folder, / separators"),
  line: z.number().int(),
  column: z.number().int(),
  endLine: z.number().int(),
  endColumn: z.number().int(),
});

const OutputShape = {
  findings: z.array(FindingSchema).describe("Sorted by file, then line"),
  summary: z.object({
    filesScanned: z.number().int(),
    findings: z.number().int().describe("All findings, including any beyond maxFindings"),
    suppressed: z.number().int().describe("Findings silenced by # noqa, Bandit's # nosec or per-file ignores"),
    byRule: z.record(z.string(), z.number().int()),
    parseErrors: z.array(z.object({ file: z.string(), message: z.string() })),
    skipped: z.array(z.object({ file: z.string(), reason: z.string() })),
  }),
  truncated: z.boolean().describe("True when findings were capped or a file/time limit stopped the scan"),
  truncatedReason: z.string().nullable(),
};

export function registerScanAntiPatternsTool(server: McpServer, ctx: ServerContext): void {
  server.registerTool(
    "scan_anti_patterns",
    {
      title: "Scan for anti-patterns",
      description:
        "Find the persona's anti-patterns in Python/FastAPI code: global mutable state, sync DB calls in async " +
        "code, hardcoded secrets and auth, route handlers returning dicts, validation written in views, " +
        "blocking calls in async def, wildcard CORS with credentials. Each finding has file:line:column, the " +
        "rule, and the persona's fix. Call it when reviewing or changing a FastAPI project or file, or on code " +
        "you wrote before proposing it. Give exactly one of path, files or code.",
      inputSchema: {
        ...sourceInputShape,
        persona: personaInput,
        select: z
          .array(z.string().min(1))
          .optional()
          .describe("Only these rule codes or prefixes, e.g. [\"FAPI002\", \"FAPI1\"]"),
        ignore: z.array(z.string().min(1)).optional().describe("Rule codes or prefixes to leave out"),
        maxFindings: z
          .number()
          .int()
          .min(1)
          .max(1000)
          .optional()
          .describe("Most findings returned (default 100); summary.findings still counts all"),
      },
      outputSchema: OutputShape,
      annotations: READ_ONLY_ANNOTATIONS,
    },
    async (args, extra) => {
      const persona = args.persona ?? DEFAULT_PERSONA;
      ctx.personas.get(persona);
      const onProgress = progressReporter(extra);
      const result = await scanInput(
        { ...(args.path !== undefined ? { path: args.path } : {}), ...(args.files ? { files: args.files } : {}), ...(args.code !== undefined ? { code: args.code } : {}) },
        {
          policy: args.path !== undefined ? await ctx.getPolicy() : null,
          persona,
          ...(args.select ? { select: args.select } : {}),
          ...(args.ignore ? { ignore: args.ignore } : {}),
          ...(args.maxFindings ? { maxFindings: args.maxFindings } : {}),
          signal: extra.signal,
          deadline: deadlineAfter(timeBudgetMs(process.env)),
          ...(onProgress ? { onProgress } : {}),
        },
      );
      return structuredResult({ ...result }, scanSummaryText(result));
    },
  );
}

/** Counts per rule, then the first findings as `file:line:col CODE message`, the way linters print them. */
export function scanSummaryText(result: ScanResult): string {
  const s = result.summary;
  const head =
    s.findings === 0
      ? `No anti-patterns found in ${s.filesScanned} file${s.filesScanned === 1 ? "" : "s"}.`
      : `${s.findings} finding${s.findings === 1 ? "" : "s"} in ${s.filesScanned} file${s.filesScanned === 1 ? "" : "s"}: ` +
        Object.entries(s.byRule)
          .map(([rule, n]) => `${rule} ${n}`)
          .join(", ");
  const lines = [head];
  if (s.suppressed > 0) lines.push(`${s.suppressed} suppressed by noqa.`);
  lines.push(...previewLines(result.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.rule} ${f.message}`), 20));
  if (s.parseErrors.length > 0) lines.push(`${s.parseErrors.length} file(s) with syntax errors (partly analysed).`);
  if (s.skipped.length > 0) lines.push(`${s.skipped.length} file(s) skipped (see summary.skipped).`);
  if (result.truncatedReason) lines.push(`Truncated: ${result.truncatedReason}.`);
  return lines.join("\n");
}
