/** A file handed to the analysis: its path relative to the scanned root (`/` separators) and its text. */
export interface SourceFile {
  /** Relative to the scanned folder with `/` separators; as given for inline `files`; `snippet.py` for `code`. */
  path: string;
  /** Absolute real path on disk, or null for inline input. */
  absPath: string | null;
  content: string;
}

export interface SkippedFile {
  file: string;
  reason: string;
}

/** What the user asked to analyse: exactly one of the three. */
export interface SourceInput {
  path?: string;
  files?: { path: string; content: string }[];
  code?: string;
}

export interface LoadLimits {
  /** Most files read in one call (default 20,000). */
  maxFiles: number;
  /** Largest file read, in bytes (default 1 MiB). */
  maxFileBytes: number;
}

export const DEFAULT_LIMITS: LoadLimits = { maxFiles: 20_000, maxFileBytes: 1024 * 1024 };

/**
 * The files of one analysis call. Python sources go to the parser; `otherFiles` are the non-Python files the
 * checklist audit reads (Dockerfiles, alembic.ini, pyproject.toml, .gitignore, logging configs).
 */
export interface LoadedProject {
  /** Real path of the scanned folder (or of the file's folder), null for inline input. */
  root: string | null;
  pythonFiles: SourceFile[];
  otherFiles: SourceFile[];
  skipped: SkippedFile[];
  /** Set when a limit stopped the walk early; says which. */
  truncated: string | null;
  /** Whether a relative path (from the scanned root) is excluded by the project's .gitignore files. */
  isGitIgnored(relPath: string): boolean;
}
