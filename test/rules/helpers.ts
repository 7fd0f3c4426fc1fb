import type { LoadedProject, SourceFile } from "../../src/files/types.js";
import { scanProject, type ScanOptions, type ScanResult } from "../../src/scan/scan.js";

/** A LoadedProject from inline files, without touching the file system. */
export function inlineProject(files: Record<string, string>): LoadedProject {
  const pythonFiles: SourceFile[] = [];
  const otherFiles: SourceFile[] = [];
  for (const [path, content] of Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1))) {
    (path.endsWith(".py") ? pythonFiles : otherFiles).push({ path, absPath: null, content });
  }
  return { root: null, pythonFiles, otherFiles, skipped: [], truncated: null, isGitIgnored: () => false };
}

export function scanFiles(files: Record<string, string>, opts: Partial<ScanOptions> = {}): Promise<ScanResult> {
  return scanProject(inlineProject(files), { persona: "fastapi-pro", maxFindings: 10_000, ...opts });
}

/** `file:line CODE` strings, the form the fixture tests compare. */
export function places(result: ScanResult): string[] {
  return result.findings.map((f) => `${f.file}:${f.line} ${f.rule}`);
}
