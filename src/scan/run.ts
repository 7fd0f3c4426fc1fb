import { loadProject, type LoadOptions } from "../files/load.js";
import type { AccessPolicy } from "../files/roots.js";
import type { SourceInput } from "../files/types.js";
import { scanProject, type ScanOptions, type ScanResult } from "./scan.js";

export interface ScanRequest extends ScanOptions, Pick<LoadOptions, "limits" | "deadline" | "exclude"> {
  policy: AccessPolicy | null;
}

/** Loads what the user named (confined to the policy's roots) and scans it: the one path the MCP tool and CLI share. */
export async function scanInput(input: SourceInput, req: ScanRequest): Promise<ScanResult> {
  const project = await loadProject(input, req.policy, {
    ...(req.limits ? { limits: req.limits } : {}),
    ...(req.signal ? { signal: req.signal } : {}),
    ...(req.deadline !== undefined ? { deadline: req.deadline } : {}),
    ...(req.exclude ? { exclude: req.exclude } : {}),
  });
  return scanProject(project, req);
}
