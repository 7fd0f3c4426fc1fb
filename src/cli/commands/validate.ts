import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../../core/errors.js";
import { loadProject } from "../../files/load.js";
import { validateResponse } from "../../validation/validate.js";
import { loadCliPersonas, writeJson, type CliContext } from "../context.js";
import { paintFor } from "../terminal.js";

/** Standard input, for piping a model's proposed code straight in. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks).toString("utf8");
}

/** The named files as inline input, reported relative to the working directory: validation reads code, not a project. */
async function readNamedFiles(given: string[], cwd: string): Promise<{ path: string; content: string }[]> {
  const files: { path: string; content: string }[] = [];
  for (const name of given) {
    if (name === "-") {
      files.push({ path: "stdin.py", content: await readStdin() });
      continue;
    }
    const abs = path.resolve(cwd, name);
    const info = await stat(abs).catch(() => null);
    if (info === null) throw new UserError(`${name} does not exist`);
    if (info.isDirectory()) {
      throw new UserError(`${name} is a folder; validate checks files (use persona-mcp audit for a project)`);
    }
    const content = await readFile(abs, "utf8").catch((err: unknown) => {
      throw new UserError(`cannot read ${name}: ${err instanceof Error ? err.message : String(err)}`);
    });
    files.push({ path: path.relative(cwd, abs).split(path.sep).join("/"), content });
  }
  return files;
}

/** `persona-mcp validate <file>...`: the validate_response tool's core over the given files. */
export async function runValidate(ctx: CliContext): Promise<number> {
  const { options, term } = ctx;
  const registry = await loadCliPersonas(ctx);
  const persona = registry.get(options.persona);
  const project = await loadProject({ files: await readNamedFiles(options.positionals, ctx.cwd) }, null);
  const result = await validateResponse(project, { persona });
  if (options.format === "json") {
    writeJson(ctx, result);
  } else {
    const paint = paintFor(term.stdout, term.env);
    const width = Math.max(0, ...result.checks.map((c) => c.name.length));
    const lines: string[] = [];
    for (const check of result.checks) {
      const label =
        check.status === "pass" ? paint.green("PASS") : check.status === "fail" ? paint.bold(paint.red("FAIL")) : paint.dim("N/A ");
      lines.push(`${label} ${paint.bold(check.name.padEnd(width))}  ${check.question}`);
      for (const reason of check.reasons) lines.push(`     ${reason}`);
    }
    const count = (status: string) => result.checks.filter((c) => c.status === status).length;
    lines.push("", `${count("pass")} passed, ${count("fail")} failed, ${count("not_applicable")} not applicable.`);
    term.stdout.write(`${lines.join("\n")}\n`);
    const warnings = result.parseErrors.map((e) => `${paint.yellow("warning:")} ${e.file}: ${e.message}`);
    if (warnings.length > 0) term.stderr.write(`${warnings.join("\n")}\n`);
  }
  return !result.ok && !options.exitZero ? 1 : 0;
}
