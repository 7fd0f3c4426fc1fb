import path from "node:path";
import { UserError } from "../core/errors.js";
import { byPath, isPythonFile } from "./classify.js";
import { GitIgnoreSet } from "./gitignore.js";
import { BINARY_REASON, BINARY_SNIFF_BYTES, tooLargeReason } from "./read-file.js";
import type { LoadedProject, LoadLimits, SkippedFile, SourceFile } from "./types.js";
import { stoppedMessage } from "./walk.js";

const SNIPPET_PATH = "snippet.py";

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
  if (content.slice(0, BINARY_SNIFF_BYTES).includes("\0")) return BINARY_REASON;
  return null;
}

function stripBom(content: string): string {
  return content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
}

/** A `code` snippet as the one file `snippet.py`. */
export function loadCode(code: unknown, limits: LoadLimits): LoadedProject {
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

/** Inline `files`, validated (paths non-empty, no NUL, no duplicates) and treated as files on disk would be. */
export function loadInlineFiles(files: unknown, limits: LoadLimits): LoadedProject {
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
      truncated ??= stoppedMessage(limits.maxFiles, "limit");
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
