import type { ScanResult } from "../../scan/scan.js";
import type { Paint } from "../terminal.js";

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/**
 * Findings as ruff and flake8 print them, `path:line:col: CODE message`, one per line, then a summary;
 * problems reading files go to stderr so a pipe into another tool sees findings only.
 */
export function formatScanText(result: ScanResult, paint: Paint): { stdout: string; stderr: string } {
  const out: string[] = result.findings.map(
    (f) =>
      `${paint.bold(f.file)}${paint.cyan(":")}${f.line}${paint.cyan(":")}${f.column}${paint.cyan(":")} ` +
      `${paint.bold(paint.red(f.rule))} ${f.message}`,
  );
  const s = result.summary;
  const files = plural(s.filesScanned, "file");
  if (s.findings === 0) {
    out.push(`${paint.green("All checks passed!")} (${files} scanned)`);
  } else {
    const byRule = Object.entries(s.byRule)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([rule, n]) => `${rule} ${n}`)
      .join(", ");
    if (out.length > 0) out.push("");
    out.push(`Found ${plural(s.findings, "finding")} in ${files} scanned (${byRule}).`);
  }
  if (s.suppressed > 0) out.push(`${plural(s.suppressed, "finding")} suppressed by noqa or per-file-ignores.`);
  if (result.truncatedReason) out.push(paint.yellow(`Truncated: ${result.truncatedReason}.`));

  const err: string[] = [
    ...s.parseErrors.map((e) => `${paint.yellow("warning:")} ${e.file}: ${e.message}`),
    ...s.skipped.map((k) => `${paint.yellow("warning:")} skipped ${k.file}: ${k.reason}`),
  ];
  return { stdout: `${out.join("\n")}\n`, stderr: err.length > 0 ? `${err.join("\n")}\n` : "" };
}
