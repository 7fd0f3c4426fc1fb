import { stat } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../core/errors.js";
import { byPath, isAuditFile, isPythonFile } from "./classify.js";
import { GitIgnoreSet } from "./gitignore.js";
import { loadCode, loadInlineFiles } from "./inline.js";
import { readTextFile, readTextFileSync, type ReadOutcome } from "./read-file.js";
import type { AccessPolicy } from "./roots.js";
import {
  DEFAULT_LIMITS,
  type LoadedProject,
  type LoadLimits,
  type SkippedFile,
  type SourceFile,
  type SourceInput,
} from "./types.js";
import { addOuterIgnores, stoppedMessage, walkFolder, type WalkCandidate } from "./walk.js";

export interface LoadOptions {
  limits?: Partial<LoadLimits>;
  signal?: AbortSignal;
  /** Date.now() in ms after which the walk stops, with `truncated` saying so. */
  deadline?: number;
  /** Extra gitignore-style globs (from project config), relative to the scanned folder. */
  exclude?: string[];
}

/** Files read at once on slow storage: enough to hide its latency without exhausting file descriptors. */
const READ_CONCURRENCY = 16;
/** Longest stretch of synchronous reads before yielding, so cancellation and other requests are not held up. */
const SYNC_SLICE_MS = 10;
/** A single synchronous read slower than this means slow storage (network, cold disk): switch to async reads. */
const SLOW_READ_MS = 20;

function resolveLimits(partial: Partial<LoadLimits> | undefined): LoadLimits {
  const limits = { ...DEFAULT_LIMITS, ...partial };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new UserError(`the limit ${name} must be a positive whole number, got ${String(value)}`);
    }
  }
  return limits;
}

/**
 * Loads what the user asked to analyse: exactly one of `path` (file or folder, confined by `policy`), `files`
 * or `code`. Limits never throw: the result says `truncated`. An aborted `signal` throws its reason.
 */
export async function loadProject(
  input: SourceInput,
  policy: AccessPolicy | null,
  opts: LoadOptions = {},
): Promise<LoadedProject> {
  const limits = resolveLimits(opts.limits);
  const given = (["path", "files", "code"] as const).filter((key) => input[key] !== undefined && input[key] !== null);
  if (given.length !== 1) {
    const got = given.length === 0 ? "none was given" : `got ${given.join(" and ")}`;
    throw new UserError(
      `give exactly one of "path" (a file or folder), "files" ([{path, content}]) or "code" (a snippet); ${got}`,
    );
  }
  opts.signal?.throwIfAborted();
  if (input.code !== undefined && input.code !== null) return loadCode(input.code, limits);
  if (input.files !== undefined && input.files !== null) return loadInlineFiles(input.files, limits);
  if (policy === null) {
    throw new UserError(
      `path-based calls need an allowed root, and none is configured; start the server with --root DIR ` +
        `(or PERSONA_MCP_ROOTS), or pass the source inline as "code" or "files"`,
    );
  }
  return loadPath(input.path as string, policy, limits, opts);
}

async function loadPath(
  userPath: string,
  policy: AccessPolicy,
  limits: LoadLimits,
  opts: LoadOptions,
): Promise<LoadedProject> {
  if (typeof userPath !== "string") throw new UserError(`"path" must be a string`);
  const real = await policy.resolve(userPath);
  const info = await stat(real).catch((err: unknown) => {
    throw new UserError(`cannot read ${userPath}: ${err instanceof Error ? err.message : String(err)}`);
  });
  if (info.isDirectory()) return loadFolder(real, policy, limits, opts);
  if (!info.isFile()) throw new UserError(`${userPath} is neither a regular file nor a folder`);

  const name = path.basename(real);
  const kind = isPythonFile(name) ? "python" : isAuditFile(name) ? "other" : null;
  if (kind === null) {
    throw new UserError(
      `${userPath} is not a Python file (.py); give a .py file, a folder to scan, or one of the files the audit ` +
        `reads (Dockerfile, alembic.ini, pyproject.toml, setup.cfg, .gitignore, a logging config)`,
    );
  }
  const root = path.dirname(real);
  const gitignore = new GitIgnoreSet();
  if (policy.contains(root)) {
    const own = await readTextFile(path.join(root, ".gitignore"), limits.maxFileBytes);
    if (own.ok) gitignore.add("", own.content);
    await addOuterIgnores(gitignore, root, policy, limits.maxFileBytes);
  }
  const project = await readCandidates(root, [{ rel: name, abs: real, kind }], [], null, gitignore, limits, opts);
  return project;
}

async function loadFolder(
  root: string,
  policy: AccessPolicy,
  limits: LoadLimits,
  opts: LoadOptions,
): Promise<LoadedProject> {
  const walk = await walkFolder(root, {
    policy,
    maxFiles: limits.maxFiles,
    maxFileBytes: limits.maxFileBytes,
    ...(opts.deadline !== undefined ? { deadline: opts.deadline } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.exclude ? { exclude: opts.exclude } : {}),
  });
  const truncated = walk.stoppedBy === null ? null : stoppedMessage(walk.candidates.length, walk.stoppedBy);
  return readCandidates(root, walk.candidates, walk.skipped, truncated, walk.gitignore, limits, opts);
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Reads the files: synchronously in short slices while reads are fast (local disks, warm caches: about five times
 * faster than the thread pool for small files), then with bounded async concurrency if storage turns out slow.
 * The deadline stops further reads and the result says how many were read.
 */
async function readCandidates(
  root: string,
  candidates: WalkCandidate[],
  skipped: SkippedFile[],
  truncated: string | null,
  gitignore: GitIgnoreSet,
  limits: LoadLimits,
  opts: LoadOptions,
): Promise<LoadedProject> {
  const pythonFiles: SourceFile[] = [];
  const otherFiles: SourceFile[] = [];
  let next = 0;
  let read = 0;
  let outOfTime = false;
  const pastDeadline = (): boolean => {
    if (opts.deadline !== undefined && Date.now() > opts.deadline) outOfTime = true;
    return outOfTime;
  };
  const take = (candidate: WalkCandidate, outcome: ReadOutcome): void => {
    read++;
    if (!outcome.ok) {
      skipped.push({ file: candidate.rel, reason: outcome.reason });
      return;
    }
    const file: SourceFile = { path: candidate.rel, absPath: candidate.abs, content: outcome.content };
    (candidate.kind === "python" ? pythonFiles : otherFiles).push(file);
  };

  let storageIsFast = true;
  while (storageIsFast && next < candidates.length && !pastDeadline()) {
    opts.signal?.throwIfAborted();
    const sliceEnd = performance.now() + SYNC_SLICE_MS;
    while (next < candidates.length && performance.now() < sliceEnd && !pastDeadline()) {
      const started = performance.now();
      const candidate = candidates[next++] as WalkCandidate;
      take(candidate, readTextFileSync(candidate.abs, limits.maxFileBytes));
      if (performance.now() - started > SLOW_READ_MS) {
        storageIsFast = false;
        break;
      }
    }
    await yieldToEventLoop();
  }

  const worker = async (): Promise<void> => {
    while (next < candidates.length && !pastDeadline()) {
      opts.signal?.throwIfAborted();
      const candidate = candidates[next++] as WalkCandidate;
      take(candidate, await readTextFile(candidate.abs, limits.maxFileBytes));
    }
  };
  const workers = Math.min(READ_CONCURRENCY, candidates.length - next);
  if (workers > 0 && !outOfTime) await Promise.all(Array.from({ length: workers }, worker));
  opts.signal?.throwIfAborted();
  if (outOfTime) truncated = stoppedMessage(read, "time budget");
  skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return {
    root,
    pythonFiles: pythonFiles.sort(byPath),
    otherFiles: otherFiles.sort(byPath),
    skipped,
    truncated,
    isGitIgnored: (rel) => gitignore.ignores(rel),
  };
}
