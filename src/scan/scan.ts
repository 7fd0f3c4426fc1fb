import type { LoadedProject, SkippedFile } from "../files/types.js";
import { withProjectIndex, type AnalyzeOptions, type ParseError } from "../python/analyze.js";
import { location } from "../python/syntax.js";
import { rulePackFor, selectRules } from "../rules/registry.js";
import type { Rule, Severity } from "../rules/types.js";

export interface Finding {
  rule: string;
  name: string;
  antiPattern: string;
  severity: Severity;
  message: string;
  fix: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface ScanSummary {
  filesScanned: number;
  /** Findings reported (before the maxFindings cap), suppressions excluded. */
  findings: number;
  suppressed: number;
  byRule: Record<string, number>;
  parseErrors: ParseError[];
  skipped: SkippedFile[];
}

export interface ScanResult {
  findings: Finding[];
  summary: ScanSummary;
  /** True when findings were cut at maxFindings or a limit stopped reading files. */
  truncated: boolean;
  /** Why, when truncated. */
  truncatedReason: string | null;
}

export interface ScanOptions extends AnalyzeOptions {
  persona: string;
  select?: readonly string[];
  ignore?: readonly string[];
  /** Default 100. */
  maxFindings?: number;
  /** Per-file ignores from project configuration: relative-path matcher -> codes. */
  perFileIgnores?: (file: string) => readonly string[];
}

export const DEFAULT_MAX_FINDINGS = 100;

/** Runs the persona's rules over a loaded project: one parse per file, one index, every rule over it. */
export async function scanProject(project: LoadedProject, opts: ScanOptions): Promise<ScanResult> {
  const rules = selectRules(rulePackFor(opts.persona), opts.select, opts.ignore);
  const maxFindings = opts.maxFindings ?? DEFAULT_MAX_FINDINGS;
  return withProjectIndex(project.pythonFiles, opts, (index, parseErrors, coverage) => {
    const all: Finding[] = [];
    let suppressed = 0;
    for (const rule of rules) {
      for (const hit of rule.check({ index })) {
        const start = location(hit.node);
        const end = hit.end ? location(hit.end) : start;
        const noqa = hit.module.noqa.get(start.line);
        if (noqa === null || noqa?.has(rule.code)) {
          suppressed++;
          continue;
        }
        if (opts.perFileIgnores?.(hit.module.file.path).some((c) => rule.code.startsWith(c))) {
          suppressed++;
          continue;
        }
        all.push(toFinding(rule, hit.module.file.path, start, end, hit.message));
      }
    }
    const findings = dedupe(all).sort(compareFindings);
    const byRule: Record<string, number> = {};
    for (const f of findings) byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
    const cut = findings.length > maxFindings;
    const reasons = [
      ...(cut ? [`showing the first ${maxFindings} of ${findings.length} findings (maxFindings)`] : []),
      ...(project.truncated ? [project.truncated] : []),
      ...(coverage.truncated ? [coverage.truncated] : []),
    ];
    return {
      findings: findings.slice(0, maxFindings),
      summary: {
        filesScanned: coverage.filesParsed,
        findings: findings.length,
        suppressed,
        byRule,
        parseErrors,
        skipped: project.skipped,
      },
      truncated: reasons.length > 0,
      truncatedReason: reasons.length > 0 ? reasons.join("; ") : null,
    };
  });
}

function toFinding(
  rule: Rule,
  file: string,
  start: ReturnType<typeof location>,
  end: ReturnType<typeof location>,
  message: string | undefined,
): Finding {
  return {
    rule: rule.code,
    name: rule.name,
    antiPattern: rule.antiPattern,
    severity: rule.severity,
    message: message ?? rule.message,
    fix: rule.fix,
    file,
    line: start.line,
    column: start.column,
    endLine: end.endLine,
    endColumn: end.endColumn,
  };
}

export function compareFindings(a: Finding, b: Finding): number {
  return (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}

/** One finding per rule and place: a node reached by two paths (aliases, re-exports) is reported once. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.rule}\0${f.file}\0${f.line}\0${f.column}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
