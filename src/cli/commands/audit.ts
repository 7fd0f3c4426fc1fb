import path from "node:path";
import { auditProject, type AuditResult } from "../../checklist/audit.js";
import { loadConfiguredProject } from "../../scan/run.js";
import { cliPolicy, displayPath, loadCliPersonas, writeJson, type CliContext } from "../context.js";
import { paintFor, startProgress, type Paint } from "../terminal.js";

const STATUS_LABEL = { pass: "PASS", fail: "FAIL", not_applicable: "N/A " } as const;

function formatAuditText(result: AuditResult, paint: Paint): string {
  const lines: string[] = [];
  for (const item of result.items) {
    const label = STATUS_LABEL[item.status];
    const painted = item.status === "pass" ? paint.green(label) : item.status === "fail" ? paint.bold(paint.red(label)) : paint.dim(label);
    lines.push(`${painted} ${paint.bold(item.id)} ${item.item}`);
    for (const e of item.evidence) {
      const where = e.file ? `${paint.bold(e.file)}${e.line !== undefined ? `:${e.line}` : ""}: ` : "";
      lines.push(`     ${where}${e.note}`);
    }
    if (item.status === "fail" && item.fix) lines.push(`     ${paint.cyan("fix:")} ${item.fix}`);
  }
  const s = result.summary;
  lines.push(
    "",
    `${s.pass} passed, ${s.fail} failed, ${s.notApplicable} not applicable (${s.filesScanned} file${s.filesScanned === 1 ? "" : "s"} read).`,
  );
  if (s.truncatedReason) lines.push(paint.yellow(`Truncated: ${s.truncatedReason}.`));
  return `${lines.join("\n")}\n`;
}

/** `persona-mcp audit [path]`: the audit_checklist tool's core over one project, with its configuration's excludes. */
export async function runAudit(ctx: CliContext): Promise<number> {
  const { options, term } = ctx;
  const registry = await loadCliPersonas(ctx);
  const persona = registry.get(options.persona);
  const given = options.positionals[0] ?? ".";
  const policy = await cliPolicy([given], ctx.cwd);

  const progress = startProgress(term.stderr, "persona-mcp: auditing");
  let result: AuditResult;
  let root: string | null;
  try {
    const loaded = await loadConfiguredProject({ path: path.resolve(ctx.cwd, given) }, { policy, useConfig: !options.noConfig });
    root = loaded.project.root;
    result = await auditProject(loaded.project, {
      persona,
      onProgress: (done: number, total: number) => progress.update(done, total),
    });
  } finally {
    progress.stop();
  }
  // Evidence is relative to the audited folder; the user reads paths from where they ran the command.
  const rel = <T extends { file: string }>(x: T): T => ({ ...x, file: displayPath(ctx.cwd, root, x.file) });
  const shown: AuditResult = {
    summary: { ...result.summary, parseErrors: result.summary.parseErrors.map(rel), skipped: result.summary.skipped.map(rel) },
    items: result.items.map((item) => ({
      ...item,
      evidence: item.evidence.map((e) => (e.file !== undefined ? { ...e, file: displayPath(ctx.cwd, root, e.file) } : e)),
    })),
  };
  if (options.format === "json") writeJson(ctx, shown);
  else {
    const paint = paintFor(term.stdout, term.env);
    term.stdout.write(formatAuditText(shown, paint));
    const warnings = [
      ...shown.summary.parseErrors.map((e) => `${paint.yellow("warning:")} ${e.file}: ${e.message}`),
      ...shown.summary.skipped.map((k) => `${paint.yellow("warning:")} skipped ${k.file}: ${k.reason}`),
    ];
    if (warnings.length > 0) term.stderr.write(`${warnings.join("\n")}\n`);
  }
  return shown.summary.fail > 0 && !options.exitZero ? 1 : 0;
}
