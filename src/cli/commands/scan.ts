import path from "node:path";
import { rulePackFor } from "../../rules/registry.js";
import { scanInputDetailed } from "../../scan/run.js";
import type { ScanResult } from "../../scan/scan.js";
import { compareFindings } from "../../scan/scan.js";
import { packageVersion } from "../../server/version.js";
import { cliPolicy, displayPath, loadCliPersonas, writeJson, type CliContext } from "../context.js";
import { formatScanText } from "../format/scan-text.js";
import { toSarif } from "../format/sarif.js";
import { paintFor, startProgress } from "../terminal.js";

/** Paths, counts and lists of several scans joined into one result, paths relative to the working directory. */
function merge(parts: { result: ScanResult; root: string | null }[], cwd: string, cap: number | undefined): ScanResult {
  const findings = parts.flatMap(({ result, root }) =>
    result.findings.map((f) => ({ ...f, file: displayPath(cwd, root, f.file) })),
  );
  findings.sort(compareFindings);
  const byRule: Record<string, number> = {};
  for (const { result } of parts) {
    for (const [rule, n] of Object.entries(result.summary.byRule)) byRule[rule] = (byRule[rule] ?? 0) + n;
  }
  const total = parts.reduce((n, p) => n + p.result.summary.findings, 0);
  const reasons = parts.flatMap((p) => (p.result.truncatedReason ? [p.result.truncatedReason] : []));
  const cut = cap !== undefined && findings.length > cap;
  if (cut && parts.length > 1) reasons.push(`showing the first ${cap} of ${total} findings (--max-findings)`);
  return {
    findings: cut ? findings.slice(0, cap) : findings,
    summary: {
      filesScanned: parts.reduce((n, p) => n + p.result.summary.filesScanned, 0),
      findings: total,
      suppressed: parts.reduce((n, p) => n + p.result.summary.suppressed, 0),
      byRule,
      parseErrors: parts.flatMap(({ result, root }) =>
        result.summary.parseErrors.map((e) => ({ ...e, file: displayPath(cwd, root, e.file) })),
      ),
      skipped: parts.flatMap(({ result, root }) =>
        result.summary.skipped.map((s) => ({ ...s, file: displayPath(cwd, root, s.file) })),
      ),
    },
    truncated: reasons.length > 0,
    truncatedReason: reasons.length > 0 ? [...new Set(reasons)].join("; ") : null,
  };
}

/** `persona-mcp scan [path]...`: the scan_anti_patterns tool's core over each path, printed as a linter would. */
export async function runScan(ctx: CliContext): Promise<number> {
  const { options, term } = ctx;
  const registry = await loadCliPersonas(ctx);
  registry.get(options.persona);
  const pack = rulePackFor(options.persona);
  const paths = options.positionals.length > 0 ? options.positionals : ["."];
  const policy = await cliPolicy(paths, ctx.cwd);

  const progress = startProgress(term.stderr, "persona-mcp: scanning");
  const parts: { result: ScanResult; root: string | null }[] = [];
  try {
    for (const given of paths) {
      const { result, root } = await scanInputDetailed(
        { path: path.resolve(ctx.cwd, given) },
        {
          policy,
          persona: options.persona,
          useConfig: !options.noConfig,
          ...(options.select ? { select: options.select } : {}),
          ...(options.ignore ? { ignore: options.ignore } : {}),
          ...(options.maxFindings !== undefined ? { maxFindings: options.maxFindings } : {}),
          // A linter in CI reports everything unless told otherwise; the MCP tool's cap exists for token budgets.
          maxFindingsDefault: Number.MAX_SAFE_INTEGER,
          onProgress: (done, total) => progress.update(done, total),
        },
      );
      parts.push({ result, root });
    }
  } finally {
    progress.stop();
  }
  const result = merge(parts, ctx.cwd, options.maxFindings);

  switch (options.format) {
    case "json":
      writeJson(ctx, result);
      break;
    case "sarif":
      writeJson(ctx, toSarif(result, { rules: pack, persona: options.persona, version: packageVersion(), cwd: ctx.cwd }));
      break;
    case "text": {
      const text = formatScanText(result, paintFor(term.stdout, term.env));
      term.stdout.write(text.stdout);
      if (text.stderr) term.stderr.write(text.stderr);
      break;
    }
  }
  return result.summary.findings > 0 && !options.exitZero ? 1 : 0;
}
