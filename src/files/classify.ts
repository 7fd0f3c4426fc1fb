/** Folders never worth analysing: VCS data, dependencies, virtualenvs, caches and build output. */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set([
  ".git",
  "node_modules",
  ".venv",
  "venv",
  "__pycache__",
  "build",
  "dist",
  "site-packages",
  ".tox",
  ".mypy_cache",
  ".pytest_cache",
  ".ruff_cache",
  // The rest of ruff's default excludes: other VCS data, tool caches, installed eggs and PEP 582 packages, and
  // notebook checkpoints (copies of the user's files, which would report every finding twice).
  ".hg",
  ".svn",
  ".nox",
  ".pytype",
  ".direnv",
  ".eggs",
  "__pypackages__",
  ".ipynb_checkpoints",
]);

/**
 * Folders a scan never enters below the folder it was given: those above, and every hidden folder (`.github`,
 * `.claude`, `.agents`, `.devcontainer`, `.idea`...) but `.docker`. Hidden folders hold tool settings, CI scripts,
 * editor and coding-agent skills with their examples (often the same example copied for several agents) and
 * dev-container images, never the application: their code is not the app's, and a dev container's Dockerfile is not
 * the image that ships. `.docker/Dockerfile` is: some projects keep their Docker files there.
 */
export function isSkippedDir(name: string): boolean {
  return SKIPPED_DIRS.has(name) || (name.startsWith(".") && name !== "." && name !== ".." && name !== ".docker");
}

/** A file in a folder that marks it as a virtualenv, whatever the folder is called. */
export const VENV_MARKER = "pyvenv.cfg";

export type FileKind = "python" | "other";

export function isPythonFile(name: string): boolean {
  return name.endsWith(".py");
}

const FIXED_AUDIT_FILES = new Set(["alembic.ini", "pyproject.toml", "setup.cfg", ".gitignore"]);
const LOG_CONFIG_EXT = /\.(ya?ml|json|ini|conf|cfg)$/i;

/**
 * An Alembic config: `alembic.ini`, a variant passed with `alembic -c` (`halfstack.alembic.ini`, `alembic.dev.ini`,
 * `alembic-test.ini`), or the template a project tracks in its place and copies at deploy (`alembic.ini.example`,
 * `.sample`, `.template`, `.dist`, `.default`: the real one holds the database URL and is ignored by git).
 */
export function isAlembicIniName(name: string): boolean {
  return /^(?:[\w.-]+[._-])?alembic(?:[._-][\w.-]+)?\.ini(?:\.(?:example|sample|template|tmpl|dist|default))?$/.test(name);
}

/**
 * Whether the checklist audit reads a non-Python file with this name: Dockerfiles and Containerfiles,
 * Alembic configs, pyproject.toml, setup.cfg, .gitignore and logging configs (a config extension and "log" in the name).
 */
export function isAuditFile(name: string): boolean {
  if (FIXED_AUDIT_FILES.has(name) || isAlembicIniName(name)) return true;
  const lower = name.toLowerCase();
  if (isDockerfileName(name)) return true;
  return LOG_CONFIG_EXT.test(name) && lower.includes("log");
}

/**
 * A Dockerfile or Containerfile: `Dockerfile`, `Dockerfile.prod`, `backend.dockerfile`, and the names built with
 * `docker build -f` that join a suffix with `-` or `_` (`Dockerfile-dev`, `Dockerfile_app`) without an extension, so
 * that `dockerfile_entrypoint.sh` stays a script. BuildKit's per-Dockerfile ignore file is not one.
 */
export function isDockerfileName(name: string): boolean {
  const lower = name.toLowerCase();
  if (lower.endsWith(".dockerignore")) return false;
  return /^(dockerfile|containerfile)(\..+|[-_][\w-]+)?$/.test(lower) || /.\.(dockerfile|containerfile)$/.test(lower);
}

/** Which list a file found in a folder walk goes to, or null when the analysis does not read it. */
export function classifyFile(name: string): FileKind | null {
  if (isPythonFile(name)) return "python";
  if (isAuditFile(name)) return "other";
  return null;
}

/** Code-unit order, not locale order: the same listing on every machine. */
export function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}
