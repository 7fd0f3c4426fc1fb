import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { UserError } from "../../core/errors.js";
import { loadProject } from "../../files/load.js";
import { validateResponse } from "../../validation/validate.js";
import type { ServerContext } from "../context.js";
import { READ_ONLY_ANNOTATIONS, structuredResult } from "../result.js";
import { DEFAULT_PERSONA, sourceInputShape } from "./inputs.js";

const OutputShape = {
  checks: z
    .array(
      z.object({
        name: z.enum(["Async", "Validation", "Database", "Docs", "Testing"]),
        question: z.string().describe("The persona's own wording of the check"),
        status: z.enum(["pass", "fail", "not_applicable"]),
        reasons: z.array(z.string()).describe("Why, with file:line where there is a place"),
      }),
    )
    .describe("The persona's five pre-response checks, in its order"),
  ok: z.boolean().describe("True when no check fails"),
  parseErrors: z.array(z.object({ file: z.string(), message: z.string() })),
};

export function registerValidateResponseTool(server: McpServer, ctx: ServerContext): void {
  server.registerTool(
    "validate_response",
    {
      title: "Validate a proposed answer",
      description:
        "Run the persona's five mandatory pre-response checks (Async, Validation, Database, Docs, Testing) on " +
        "FastAPI code you are about to answer with, before you send it: each check passes, fails with reasons " +
        "and file:line, or does not apply. Give the code inline (code, or files for several modules and their " +
        "tests); nothing is read from disk. Fix what fails and call it again.",
      inputSchema: { code: sourceInputShape.code, files: sourceInputShape.files },
      outputSchema: OutputShape,
      annotations: READ_ONLY_ANNOTATIONS,
    },
    async (args, extra) => {
      const persona = ctx.personas.get(DEFAULT_PERSONA);
      if ((args.code === undefined) === (args.files === undefined)) {
        throw new UserError('give exactly one of "code" (a snippet) or "files" ([{path, content}]): validate_response reads no files from disk');
      }
      const project = await loadProject(
        { ...(args.code !== undefined ? { code: args.code } : {}), ...(args.files ? { files: args.files } : {}) },
        null,
      );
      const result = await validateResponse(project, { persona, signal: extra.signal });
      const mark = { pass: "PASS", fail: "FAIL", not_applicable: "N/A" } as const;
      const text = [
        result.ok ? "All pre-response checks pass or do not apply." : `Fails: ${result.checks.filter((c) => c.status === "fail").map((c) => c.name).join(", ")}.`,
        ...result.checks.map((c) => `${mark[c.status]} ${c.name}: ${c.reasons.slice(0, 3).join("; ")}${c.reasons.length > 3 ? "; ..." : ""}`),
      ].join("\n");
      return structuredResult({ ...result }, text);
    },
  );
}
