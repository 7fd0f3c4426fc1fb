import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
export const bin = path.join(repoRoot, "dist", "index.js");

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm test` builds first; running vitest alone needs `npm run build`. */
export function expectBuilt(): void {
  expect(existsSync(bin), `${bin} is missing: run npm run build`).toBe(true);
}

/**
 * Runs the built bin as a user would, with a clean environment for the things it reads (no colour forced or
 * refused, no extra personas) unless the test sets them; stdout and stderr are pipes, so never a TTY.
 */
export function runCli(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string | undefined>; input?: string } = {},
): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, PERSONA_MCP_PERSONAS: "", PERSONA_MCP_ROOTS: "" };
  delete env["NO_COLOR"];
  delete env["FORCE_COLOR"];
  for (const [key, value] of Object.entries(opts.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: opts.cwd ?? repoRoot,
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill(), 25_000);
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on("error", () => {});
    child.stdin.end(opts.input ?? "");
  });
}

export interface TempProject {
  /** Real path (macOS /tmp is a symlink), so it compares equal to what the bin reports. */
  dir: string;
  write(rel: string, content: string): Promise<void>;
  cleanup(): Promise<void>;
}

/** A throwaway project folder with the given files. */
export async function tempProject(files: Record<string, string> = {}): Promise<TempProject> {
  const dir = await realpath(await mkdtemp(path.join(os.tmpdir(), "persona-cli-")));
  const write = async (rel: string, content: string): Promise<void> => {
    const abs = path.join(dir, rel);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, content);
  };
  for (const [rel, content] of Object.entries(files)) await write(rel, content);
  return { dir, write, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A route returning a dict (FAPI004 on line 6) and a blocking sleep in async code (FAPI101 on line 10). */
export const TWO_FINDINGS = `import time
from fastapi import APIRouter
router = APIRouter()

@router.get("/health")
async def health():
    return {"ok": True}

async def pause():
    time.sleep(1)
`;

/** The same app with both fixed: nothing to report. */
export const CLEAN = `import asyncio
from fastapi import APIRouter
from pydantic import BaseModel
router = APIRouter()

class Health(BaseModel):
    ok: bool

@router.get("/health")
async def health() -> Health:
    await asyncio.sleep(0)
    return Health(ok=True)
`;
