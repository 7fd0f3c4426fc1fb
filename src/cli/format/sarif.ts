import { pathToFileURL } from "node:url";
import type { Rule, Severity } from "../../rules/types.js";
import type { ScanResult } from "../../scan/scan.js";

/** The SARIF log's `$schema`: the 2.1.0 schema as GitHub code scanning and SchemaStore publish it. */
export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";
export const SRCROOT = "%SRCROOT%";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { error: "error", warning: "warning", info: "note" };

/** A path relative to the working directory as a URI reference: `/` separators, each segment percent-encoded. */
export function relativeUri(relPath: string): string {
  return relPath
    .split(/[\\/]/)
    .map((segment) => encodeURIComponent(segment))
    .join("/");
}

function helpMarkdown(rule: Rule): string {
  return [
    `**${rule.code} ${rule.name}**: ${rule.message}.`,
    ``,
    `Persona ${rule.source === "anti-pattern" ? "anti-pattern" : "principle"}: ${rule.antiPattern}.`,
    ``,
    `## What it does`,
    rule.docs.what,
    ``,
    `## Why is this bad?`,
    rule.docs.why,
    ``,
    `## Example`,
    "```python",
    rule.docs.example,
    "```",
    ``,
    `## Use instead`,
    "```python",
    rule.docs.instead,
    "```",
    ``,
    `## Fix`,
    rule.fix,
  ].join("\n");
}

function helpText(rule: Rule): string {
  return [
    `${rule.code} ${rule.name}: ${rule.message}.`,
    `What it does: ${rule.docs.what}`,
    `Why is this bad? ${rule.docs.why}`,
    `Example:\n${rule.docs.example}`,
    `Use instead:\n${rule.docs.instead}`,
    `Fix: ${rule.fix}`,
  ].join("\n\n");
}

function reportingDescriptor(rule: Rule, persona: string) {
  return {
    id: rule.code,
    name: rule.name,
    shortDescription: { text: rule.message },
    fullDescription: { text: rule.docs.what },
    help: { text: helpText(rule), markdown: helpMarkdown(rule) },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      // GitHub shows tags as filters in the code scanning list.
      tags: [persona, rule.source, rule.antiPattern],
      precision: "high",
    },
  };
}

export interface SarifOptions {
  /** Every rule of the persona's pack, so `ruleIndex` stays stable whatever was selected. */
  rules: readonly Rule[];
  persona: string;
  version: string;
  /** Absolute working directory: findings' paths are relative to it, and `%SRCROOT%` points at it. */
  cwd: string;
}

/**
 * The scan as a SARIF 2.1.0 log for GitHub code scanning: one run, the rules with their help (the persona's fix
 * and the rule docs), one result per finding with a `%SRCROOT%`-relative location. Files that did not parse
 * are tool notifications, not results: they are not anti-patterns.
 */
export function toSarif(result: ScanResult, opts: SarifOptions) {
  const index = new Map(opts.rules.map((rule, i) => [rule.code, i]));
  const results = result.findings.map((f) => ({
    ruleId: f.rule,
    ruleIndex: index.get(f.rule) ?? -1,
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: relativeUri(f.file), uriBaseId: SRCROOT },
          region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
        },
      },
    ],
  }));
  const srcRoot = pathToFileURL(opts.cwd).href;
  return {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0" as const,
    runs: [
      {
        tool: {
          driver: {
            name: "persona-mcp",
            version: opts.version,
            semanticVersion: opts.version,
            rules: opts.rules.map((rule) => reportingDescriptor(rule, opts.persona)),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: srcRoot.endsWith("/") ? srcRoot : `${srcRoot}/` } },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: result.summary.parseErrors.map((e) => ({
              level: "warning" as const,
              message: { text: e.message },
              locations: [{ physicalLocation: { artifactLocation: { uri: relativeUri(e.file), uriBaseId: SRCROOT } } }],
            })),
          },
        ],
        results,
      },
    ],
  };
}
