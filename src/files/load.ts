import { stat } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../core/errors.js";
import { isAuditFile, isPythonFile } from "./classify.js";
import { GitIgnoreSet } from "./gitignore.js";
import { BINARY_REASON, readTextFile, readTextFileSync, tooLargeReason, type ReadOutcome } from "./read-file.js";
import type { AccessPolicy } from "./roots.js";
import { DEFAULT_LIMITS, type LoadedProject, type LoadLimits, type SkippedFile, type SourceFile, type SourceInput } from "./types.js";
import { addOuterIgnores, walkFolder, type WalkCandidate } from "./walk.js";

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

const SNIPPET_PATH = "snippet.py";

function resolveLimits(partial: Partial<LoadLimits> | undefined): LoadLimits {
  const limits = { ...DEFAULT_LIMITS, ...partial };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new UserError(`the limit ${name} must be a positive whole number, got ${String(value)}`);
    }
  }
  return limits;
}

function byPath(a: SourceFile, b: SourceFile): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

function limitMessage(count: number, by: "limit" | "time budget"): string {
  return `stopped after ${count} files (${by})`;
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

function inlineProject(
  pythonFiles: SourceFile[],
  otherFiles: SourceFile[],
  skipped: SkippedFile[],
  truncated: string | null,
  gitignore: GitIgnoreSet,
): LoadedProject {
  return {
    root: null,
    pythonFiles: pythonFiles.sort(byPath),
    otherFiles: otherFiles.sort(byPath),
    skipped,
    truncated,
    isGitIgnored: (rel) => gitignore.ignores(rel),
  };
}

/** Why inline content cannot be analysed, or null; the same rules as for files on disk. */
function inlineSkipReason(content: string, limits: LoadLimits): string | null {
  if (Buffer.byteLength(content, "utf8") > limits.maxFileBytes) return tooLargeReason(limits.maxFileBytes);
  if (content.slice(0, 8 * 1024).includes("\0")) return BINARY_REASON;
  return null;
}

function stripBom(content: string): string {
  return content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
}

function loadCode(code: unknown, limits: LoadLimits): LoadedProject {
  if (typeof code !== "string") throw new UserError(`"code" must be a string of Python source`);
  const reason = inlineSkipReason(code, limits);
  const files = reason === null ? [{ path: SNIPPET_PATH, absPath: null, content: stripBom(code) }] : [];
  const skipped = reason === null ? [] : [{ file: SNIPPET_PATH, reason }];
  return inlineProject(files, [], skipped, null, new GitIgnoreSet());
}

/** `\` to `/`, `.` and `..` folded where they can be, a leading `./` dropped: one spelling per file. */
function normaliseInlinePath(raw: string): string {
  const normal = path.posix.normalize(raw.replace(/\\/g, "/"));
  return normal.startsWith("./") ? normal.slice(2) : normal;
}

function loadInlineFiles(files: unknown, limits: LoadLimits): LoadedProject {
  if (!Array.isArray(files)) throw new UserError(`"files" must be a list of {path, content}`);
  if (files.length === 0) throw new UserError(`"files" is empty; give at least one {path, content}`);
  const pythonFiles: SourceFile[] = [];
  const otherFiles: SourceFile[] = [];
  const skipped: SkippedFile[] = [];
  const gitignore = new GitIgnoreSet();
  const seen = new Set<string>();
  let truncated: string | null = null;
  let taken = 0;
  for (const [index, file] of files.entries()) {
    const { path: rawPath, content } = (file ?? {}) as { path?: unknown; content?: unknown };
    if (typeof rawPath !== "string" || rawPath.trim() === "") {
      throw new UserError(`files[${index}] has an empty path; give each file a path such as "app/main.py"`);
    }
    if (rawPath.includes("\0")) throw new UserError(`files[${index}].path contains a NUL byte`);
    if (typeof content !== "string") throw new UserError(`files[${index}] (${rawPath}) has no string "content"`);
    const filePath = normaliseInlinePath(rawPath);
    if (filePath === "." || filePath.endsWith("/")) {
      throw new UserError(`files[${index}].path ${JSON.stringify(rawPath)} names a folder, not a file`);
    }
    if (seen.has(filePath)) {
      throw new UserError(`files[${index}].path ${JSON.stringify(rawPath)} duplicates an earlier file (${filePath})`);
    }
    seen.add(filePath);
    if (taken >= limits.maxFiles) {
      truncated ??= limitMessage(limits.maxFiles, "limit");
      continue; // keep validating the rest: a bad entry is still the caller's error to fix
    }
    const reason = inlineSkipReason(content, limits);
    if (reason !== null) {
      skipped.push({ file: filePath, reason });
      continue;
    }
    taken++;
    const source: SourceFile = { path: filePath, absPath: null, content: stripBom(content) };
    (isPythonFile(filePath) ? pythonFiles : otherFiles).push(source);
    const slash = filePath.lastIndexOf("/");
    // Inline .gitignore files count as on disk, so the audit can tell what a project keeps out of git.
    if (filePath.slice(slash + 1) === ".gitignore" && !filePath.startsWith("../") && !filePath.startsWith("/")) {
      gitignore.add(slash === -1 ? "" : filePath.slice(0, slash), source.content);
    }
  }
  return inlineProject(pythonFiles, otherFiles, skipped, truncated, gitignore);
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
  const truncated = walk.stoppedBy === null ? null : limitMessage(walk.candidates.length, walk.stoppedBy);
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
  if (outOfTime) truncated = limitMessage(read, "time budget");
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
