import ignore, { type Ignore } from "ignore";

// Git matches case-insensitively where the file system does (core.ignorecase is set on macOS and Windows).
const IGNORE_CASE = process.platform === "darwin" || process.platform === "win32";

function parentDirs(rel: string): string[] {
  const dirs: string[] = [];
  let slash = rel.lastIndexOf("/");
  while (slash > 0) {
    dirs.push(rel.slice(0, slash));
    slash = rel.lastIndexOf("/", slash - 1);
  }
  dirs.push("");
  return dirs;
}

/** Normalises a user-given relative path; null when it cannot name anything under the scanned folder. */
function normaliseRel(relPath: string): string | null {
  let rel = relPath.replace(/\\/g, "/").replace(/\/{2,}/g, "/");
  while (rel.startsWith("./")) rel = rel.slice(2);
  if (rel === "" || rel === "." || rel === "/" || rel.startsWith("/")) return null;
  if (rel.split("/").some((part) => part === ".." || part === ".")) return null;
  return rel;
}

/**
 * The .gitignore rules of one scanned folder with git's precedence: a deeper .gitignore beats a shallower one,
 * those above the scanned folder (up to the repository root) come next, .git/info/exclude last; and nothing below
 * an excluded folder can be re-included.
 */
export class GitIgnoreSet {
  private readonly byDir = new Map<string, Ignore[]>();
  // Rules from folders above the scanned one: `prefix` turns a path relative to the scanned folder into one
  // relative to the folder the rules came from. Nearest folder first.
  private readonly outer: { prefix: string; rules: Ignore }[] = [];

  /** Adds a .gitignore found in `dirRel` ("" for the scanned folder itself). */
  add(dirRel: string, content: string): void {
    const list = this.byDir.get(dirRel) ?? [];
    list.push(ignore({ ignorecase: IGNORE_CASE }).add(content));
    this.byDir.set(dirRel, list);
  }

  /** Adds rules from a folder above the scanned one; call nearest first. `prefix` is e.g. "backend/" or "". */
  addOuter(prefix: string, content: string): void {
    this.outer.push({ prefix, rules: ignore({ ignorecase: IGNORE_CASE }).add(content) });
  }

  get isEmpty(): boolean {
    return this.byDir.size === 0 && this.outer.length === 0;
  }

  /** Whether the rules exclude this entry itself, its parent folders assumed not excluded (as in a walk). */
  excludesEntry(rel: string, isDir: boolean): boolean {
    const suffix = isDir ? "/" : "";
    for (const dir of parentDirs(rel)) {
      const list = this.byDir.get(dir);
      if (!list) continue;
      const sub = (dir === "" ? rel : rel.slice(dir.length + 1)) + suffix;
      for (let i = list.length - 1; i >= 0; i--) {
        const verdict = (list[i] as Ignore).test(sub);
        if (verdict.ignored) return true;
        if (verdict.unignored) return false;
      }
    }
    for (const { prefix, rules } of this.outer) {
      const verdict = rules.test(prefix + rel + suffix);
      if (verdict.ignored) return true;
      if (verdict.unignored) return false;
    }
    return false;
  }

  /** Whether a path relative to the scanned folder is excluded, itself or through one of its folders. */
  ignores(relPath: string): boolean {
    if (this.isEmpty) return false;
    const rel = normaliseRel(relPath);
    if (rel === null) return false;
    const trailingSlash = rel.endsWith("/");
    const clean = trailingSlash ? rel.slice(0, -1) : rel;
    const parts = clean.split("/");
    for (let i = 1; i <= parts.length; i++) {
      const isLast = i === parts.length;
      if (this.excludesEntry(parts.slice(0, i).join("/"), !isLast || trailingSlash)) return true;
    }
    return false;
  }
}
