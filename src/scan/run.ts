import { stat } from "node:fs/promises";
import path from "node:path";
import { configMatchers, type ConfigMatchers } from "../config/matchers.js";
import { checkConfigCodes, findProjectConfig, type ProjectConfig } from "../config/project-config.js";
import { loadProject, type LoadOptions } from "../files/load.js";
import type { AccessPolicy } from "../files/roots.js";
import type { LoadedProject, SourceInput } from "../files/types.js";
import { rulePackFor } from "../rules/registry.js";
import { scanProject, type ScanOptions, type ScanResult } from "./scan.js";

export interface LoadRequest extends Pick<LoadOptions, "limits" | "deadline" | "exclude" | "signal"> {
  policy: AccessPolicy | null;
  /** Read `[tool.persona-mcp]` from the scanned project's pyproject.toml (default true). */
  useConfig?: boolean;
}

export interface ScanRequest extends ScanOptions, LoadRequest {
  /** Cap used when neither the request nor the configuration sets one (scanProject's default otherwise). */
  maxFindingsDefault?: number;
}

/** A loaded project with the configuration that shaped it, if any. */
export interface ConfiguredProject {
  project: LoadedProject;
  config: ProjectConfig | null;
  matchers: ConfigMatchers | null;
}

/** The real folder a path input is rooted at (the folder itself, or a file's folder), for the configuration search. */
async function scannedFolder(userPath: string, policy: AccessPolicy): Promise<string> {
  const real = await policy.resolve(userPath);
  const info = await stat(real).catch(() => null);
  return info?.isDirectory() ? real : path.dirname(real);
}

/**
 * Loads what the user named with the project's configuration applied: its `exclude` globs leave files out (named
 * files too, so a pre-commit hook that passes file names honours them). Inline input has no project, so no
 * configuration. The one loading path of the scan and the audit, for the MCP tools and the CLI alike.
 */
export async function loadConfiguredProject(input: SourceInput, req: LoadRequest): Promise<ConfiguredProject> {
  const folder =
    input.path !== undefined && input.code === undefined && input.files === undefined && req.policy !== null
      ? await scannedFolder(input.path, req.policy)
      : null;
  const config =
    folder !== null && req.policy !== null && req.useConfig !== false
      ? await findProjectConfig(folder, req.policy)
      : null;
  const sameFolderExclude = config?.exclude !== undefined && folder === config.dir;
  const exclude = [...(req.exclude ?? []), ...(sameFolderExclude ? (config?.exclude ?? []) : [])];
  const project = await loadProject(input, req.policy, {
    ...(req.limits ? { limits: req.limits } : {}),
    ...(req.signal ? { signal: req.signal } : {}),
    ...(req.deadline !== undefined ? { deadline: req.deadline } : {}),
    // Globs of a configuration in this very folder can prune the walk; others are applied to what was read.
    ...(exclude.length > 0 ? { exclude } : {}),
  });
  if (config === null || project.root === null) return { project, config: null, matchers: null };
  const matchers = configMatchers(config, project.root);
  const kept = (file: { path: string }): boolean => !matchers.isExcluded(file.path);
  return {
    project: {
      ...project,
      pythonFiles: project.pythonFiles.filter(kept),
      otherFiles: project.otherFiles.filter(kept),
      skipped: project.skipped.filter((s) => !matchers.isExcluded(s.file)),
    },
    config,
    matchers,
  };
}

/** The scan's result with the folder its paths are relative to and the configuration applied. */
export interface ScanOutcome {
  result: ScanResult;
  /** Real path of the scanned folder (a file's folder), null for inline input. */
  root: string | null;
  config: ProjectConfig | null;
}

/**
 * Loads and scans with the project's configuration; the request's own select, ignore and maxFindings (tool
 * arguments, command-line flags) replace the configuration's keys of the same name.
 */
export async function scanInputDetailed(input: SourceInput, req: ScanRequest): Promise<ScanOutcome> {
  const pack = rulePackFor(req.persona);
  const { project, config, matchers } = await loadConfiguredProject(input, req);
  if (config) checkConfigCodes(config, pack.map((r) => r.code));
  const select = req.select ?? config?.select;
  const ignore = req.ignore ?? config?.ignore;
  const maxFindings = req.maxFindings ?? config?.maxFindings ?? req.maxFindingsDefault;
  const requestIgnores = req.perFileIgnores;
  const perFileIgnores =
    matchers || requestIgnores
      ? (file: string) => [...(matchers?.ignoredCodes(file) ?? []), ...(requestIgnores?.(file) ?? [])]
      : undefined;
  const result = await scanProject(project, {
    persona: req.persona,
    ...(select ? { select } : {}),
    ...(ignore ? { ignore } : {}),
    ...(maxFindings !== undefined ? { maxFindings } : {}),
    ...(perFileIgnores ? { perFileIgnores } : {}),
    ...(req.signal ? { signal: req.signal } : {}),
    ...(req.onProgress ? { onProgress: req.onProgress } : {}),
    ...(req.deadline !== undefined ? { deadline: req.deadline } : {}),
  });
  return { result, root: project.root, config };
}

/** Loads what the user named (confined to the policy's roots) and scans it: the one path the MCP tool and CLI share. */
export async function scanInput(input: SourceInput, req: ScanRequest): Promise<ScanResult> {
  return (await scanInputDetailed(input, req)).result;
}
