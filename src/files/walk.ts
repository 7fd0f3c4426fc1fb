import type { Dirent } from "node:fs";
import { readdir, realpath, stat, lstat } from "node:fs/promises";
import path from "node:path";
import ignore, { type Ignore } from "ignore";
import { UserError } from "../core/errors.js";
import { classifyFile, isSkippedDir, VENV_MARKER, type FileKind } from "./classify.js";
import { GitIgnoreSet } from "./gitignore.js";
import { readTextFile } from "./read-file.js";
import { isWithin, type AccessPolicy } from "./roots.js";
import type { SkippedFile } from "./types.js";

export const OUTSIDE_ROOTS_REASON = "symlink target outside the allowed roots";

/** A file the walk found and the analysis reads; `abs` is its real path. */
export interface WalkCandidate {
  rel: string;
  abs: string;
  kind: FileKind;
}

export interface WalkOptions {
  policy: AccessPolicy;
  maxFiles: number;
  maxFileBytes: number;
  deadline?: number;
  signal?: AbortSignal;
  exclude?: string[];
}

export interface WalkResult {
  candidates: WalkCandidate[];
  skipped: SkippedFile[];
  /** Why the walk stopped early: "limit" or "time budget"; null when it saw everything. */
  stoppedBy: "limit" | "time budget" | null;
  gitignore: GitIgnoreSet;
}

/** The `truncated` sentence: "stopped after 20000 files (limit)". */
export function stoppedMessage(count: number, by: "limit" | "time budget"): string {
  return `stopped after ${count} files (${by})`;
}

type EntryType = "dir" | "file" | "broken" | "other";

async function readIgnoreFile(absPath: string, maxFileBytes: number): Promise<string | null> {
  const outcome = await readTextFile(absPath, maxFileBytes);
  return outcome.ok ? outcome.content : null;
}

/**
 * Adds the .gitignore rules that apply to `dirReal` from above it: every folder up to the repository root (the
 * nearest one holding `.git`), then that repository's .git/info/exclude. Only folders inside the allowed roots
 * are read; outside a repository only the folder's own rules count.
 */
export async function addOuterIgnores(
  set: GitIgnoreSet,
  dirReal: string,
  policy: AccessPolicy,
  maxFileBytes: number,
): Promise<void> {
  const chain: string[] = [];
  let repoRoot: string | null = null;
  for (let dir = dirReal; policy.contains(dir); dir = path.dirname(dir)) {
    chain.push(dir);
    if (await exists(path.join(dir, ".git"))) {
      repoRoot = dir;
      break;
    }
    if (path.dirname(dir) === dir) break;
  }
  if (repoRoot === null) return;
  // chain[0] is the scanned folder itself; its own .gitignore is read by the walk.
  for (const dir of chain.slice(1)) {
    const content = await readIgnoreFile(path.join(dir, ".gitignore"), maxFileBytes);
    if (content !== null) set.addOuter(toPrefix(dir, dirReal), content);
  }
  const exclude = await readIgnoreFile(path.join(repoRoot, ".git", "info", "exclude"), maxFileBytes);
  if (exclude !== null) set.addOuter(toPrefix(repoRoot, dirReal), exclude);
}

function toPrefix(ancestor: string, dir: string): string {
  const rel = path.relative(ancestor, dir).split(path.sep).join("/");
  return rel === "" ? "" : rel + "/";
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}

async function entryType(entry: Dirent, abs: string): Promise<{ type: EntryType; real: string }> {
  if (entry.isDirectory()) return { type: "dir", real: abs };
  if (entry.isFile()) return { type: "file", real: abs };
  if (!entry.isSymbolicLink()) return { type: "other", real: abs };
  try {
    const real = await realpath(abs);
    const target = await stat(real);
    return { type: target.isDirectory() ? "dir" : target.isFile() ? "file" : "other", real };
  } catch {
    return { type: "broken", real: abs };
  }
}

function readdirReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "EACCES" || code === "EPERM") return "folder could not be read: permission denied";
  return `folder could not be read: ${err instanceof Error ? err.message : String(err)}`;
}

/** Sorts as the final file list does: a folder "a" sorts as "a/", after "a.py" ('/' > '.'). */
function pathOrder(a: Dirent, b: Dirent): number {
  const ka = a.isDirectory() ? a.name + "/" : a.name;
  const kb = b.isDirectory() ? b.name + "/" : b.name;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * Walks a folder depth-first in path order (so a truncated walk keeps the first files of the sorted list),
 * collecting the files the analysis reads and honouring the skip list, virtualenvs, .gitignore files, `exclude`
 * globs and the roots.
 */
export async function walkFolder(rootReal: string, opts: WalkOptions): Promise<WalkResult> {
  const { policy, maxFiles, maxFileBytes, deadline, signal } = opts;
  const gitignore = new GitIgnoreSet();
  await addOuterIgnores(gitignore, rootReal, policy, maxFileBytes);
  const extra: Ignore | null = opts.exclude && opts.exclude.length > 0 ? ignore().add(opts.exclude) : null;
  const candidates: WalkCandidate[] = [];
  const skipped: SkippedFile[] = [];
  let stoppedBy: WalkResult["stoppedBy"] = null;
  // Real paths of the folders walked as a whole (the root and followed symlinked folders): a symlink into one of
  // them adds nothing, and one pointing above the root would loop.
  const followed: string[] = [rootReal];
  const followedSet = new Set(followed);

  const visit = async (rel: string, real: string): Promise<void> => {
    signal?.throwIfAborted();
    if (deadline !== undefined && Date.now() > deadline) {
      stoppedBy = "time budget";
      return;
    }
    let entries: Dirent[];
    try {
      entries = await readdir(real, { withFileTypes: true });
    } catch (err) {
      if (rel === "") throw new UserError(`cannot read the folder ${rootReal}: ${readdirReason(err)}`);
      skipped.push({ file: rel + "/", reason: readdirReason(err) });
      return;
    }
    // A virtualenv may have any name; the scanned folder itself is kept (its site-packages is skipped anyway).
    if (rel !== "" && entries.some((e) => e.name === VENV_MARKER && !e.isDirectory())) return;
    entries.sort(pathOrder);

    const ignoreFile = entries.find((e) => e.name === ".gitignore" && e.isFile());
    if (ignoreFile) {
      const content = await readIgnoreFile(path.join(real, ".gitignore"), maxFileBytes);
      if (content !== null) gitignore.add(rel, content);
    }

    for (const entry of entries) {
      if (stoppedBy !== null) return;
      const childRel = rel === "" ? entry.name : `${rel}/${entry.name}`;
      const isLink = entry.isSymbolicLink();
      // Cheap name checks first, so symlinks in skipped places are never resolved.
      if (!isLink && entry.isFile() && classifyFile(entry.name) === null) continue;
      if (entry.isDirectory() && isSkippedDir(entry.name)) continue;
      const { type, real: childReal } = await entryType(entry, path.join(real, entry.name));

      if (type === "dir") {
        if (isSkippedDir(entry.name) || excluded(gitignore, extra, childRel, true)) continue;
        if (isLink) {
          if (!policy.contains(childReal)) {
            skipped.push({ file: childRel, reason: OUTSIDE_ROOTS_REASON });
            continue;
          }
          if (followed.some((dir) => isWithin(dir, childReal))) continue;
          if (isWithin(childReal, rootReal)) {
            skipped.push({ file: childRel, reason: "symlink loop: it points to a folder holding the scanned one" });
            continue;
          }
          followed.push(childReal);
          followedSet.add(childReal);
        } else if (followedSet.has(childReal)) {
          continue; // already walked through a symlink that points here
        }
        await visit(childRel, childReal);
      } else if (type === "file" || type === "broken") {
        const kind = classifyFile(entry.name);
        if (kind === null || excluded(gitignore, extra, childRel, false)) continue;
        if (type === "broken") {
          skipped.push({ file: childRel, reason: "broken symlink" });
          continue;
        }
        if (isLink && !policy.contains(childReal)) {
          skipped.push({ file: childRel, reason: OUTSIDE_ROOTS_REASON });
          continue;
        }
        if (candidates.length >= maxFiles) {
          stoppedBy = "limit";
          return;
        }
        candidates.push({ rel: childRel, abs: childReal, kind });
      }
    }
  };

  await visit("", rootReal);
  return { candidates, skipped, stoppedBy, gitignore };
}

function excluded(gitignore: GitIgnoreSet, extra: Ignore | null, rel: string, isDir: boolean): boolean {
  if (gitignore.excludesEntry(rel, isDir)) return true;
  return extra !== null && extra.ignores(isDir ? rel + "/" : rel);
}
