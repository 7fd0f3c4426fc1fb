import { realpath } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { UserError } from "../core/errors.js";

export type RootSource = "flag" | "client" | "cwd" | "none";

const SOURCE_LABEL: Record<RootSource, string> = {
  flag: "from --root",
  client: "shared by the client",
  cwd: "the working directory",
  none: "none",
};

/** Whether `child` is `parent` or lies below it; both absolute and normalised. */
export function isWithin(parent: string, child: string): boolean {
  if (child === parent) return true;
  // A root such as "/" already ends with the separator; adding another would match nothing.
  const prefix = parent.endsWith(path.sep) ? parent : parent + path.sep;
  return child.startsWith(prefix);
}

/** The folders the analysis tools may read, and the checks every user-given path goes through. */
export class AccessPolicy {
  readonly roots: string[];
  readonly source: RootSource;
  // The roots as configured before realpath (e.g. /tmp/x when the real path is /private/tmp/x), so that a path
  // written the way the user configured it is not mistaken for a `..` escape.
  private readonly givenRoots: string[];

  constructor(roots: string[], source: RootSource, givenRoots: string[] = []) {
    this.roots = roots;
    this.source = source;
    this.givenRoots = givenRoots;
  }

  contains(realPath: string): boolean {
    return this.roots.some((root) => isWithin(root, realPath));
  }

  describe(): string {
    if (this.roots.length === 0) return "no folder is allowed";
    return `${this.roots.join(", ")} (${SOURCE_LABEL[this.source]})`;
  }

  /** Resolve a user-given path (absolute, or relative to the first root) to its real path, or throw a UserError. */
  async resolve(userPath: string): Promise<string> {
    if (this.roots.length === 0) throw new UserError(this.noRootMessage(userPath));
    if (typeof userPath !== "string" || userPath.trim() === "") {
      throw new UserError(`the path is empty; give a file or folder under ${this.rootList()}`);
    }
    if (userPath.includes("\0")) {
      throw new UserError(`the path ${JSON.stringify(userPath)} contains a NUL byte; give a plain file or folder path`);
    }
    if (path.sep === "/" && isWindowsStylePath(userPath)) {
      throw new UserError(
        `${JSON.stringify(userPath)} is a Windows-style path, but the server runs on a POSIX system; ` +
          `give a path with / separators under ${this.rootList()}`,
      );
    }
    const first = this.roots[0] as string;
    const lexical = path.isAbsolute(userPath) ? path.normalize(userPath) : path.resolve(first, userPath);
    const lexicallyInside = [...this.roots, ...this.givenRoots].some((root) => isWithin(root, lexical));
    if (!lexicallyInside && userPath.split(/[\\/]/).includes("..")) {
      throw new UserError(`${userPath} uses ".." to leave the allowed roots; ${this.howToAllow()}`);
    }

    let real: string;
    try {
      real = await realpath(lexical);
    } catch (err) {
      // Outside the roots, do not reveal whether the path exists.
      if (!lexicallyInside) throw new UserError(this.outsideMessage(lexical));
      throw new UserError(this.unreadableMessage(userPath, lexical, err));
    }
    if (!this.contains(real)) {
      if (lexicallyInside) {
        throw new UserError(
          `${lexical} is a symlink (or lies under one) whose target ${real} is outside the allowed roots; ` +
            this.howToAllow(),
        );
      }
      throw new UserError(this.outsideMessage(lexical));
    }
    return real;
  }

  private rootList(): string {
    return this.describe();
  }

  private howToAllow(): string {
    const allowed = `the allowed roots are ${this.describe()}`;
    if (this.source === "flag") return `${allowed}; to allow another folder, add --root DIR when starting the server`;
    return (
      `${allowed}; to allow another folder, start the server with --root DIR (or PERSONA_MCP_ROOTS), ` +
      `or let your client share it as a workspace root`
    );
  }

  private outsideMessage(lexical: string): string {
    return `${lexical} is outside the allowed roots; ${this.howToAllow()}`;
  }

  private unreadableMessage(userPath: string, lexical: string, err: unknown): string {
    const code = (err as NodeJS.ErrnoException).code;
    const shown = userPath === lexical ? lexical : `${userPath} (${lexical})`;
    if (code === "EACCES" || code === "EPERM") return `${shown} cannot be read: permission denied`;
    if (code === "ELOOP") return `${shown} is a symlink loop`;
    const hint = userPath.includes("\\") ? "; use / as the path separator" : "";
    const relativeHint = path.isAbsolute(userPath) ? "" : ` (relative paths resolve against ${this.roots[0]})`;
    return `${shown} does not exist${relativeHint}${hint}`;
  }

  private noRootMessage(userPath: string): string {
    const what = typeof userPath === "string" && userPath !== "" ? `cannot read ${userPath}: ` : "";
    if (this.source === "flag") {
      return (
        `${what}none of the --root folders exist, so no folder may be read; ` +
        `start the server with --root DIR naming an existing folder`
      );
    }
    return (
      `${what}no folder is allowed to be read (the server was started in the file-system root and the client ` +
      `shares no workspace roots); start the server with --root DIR or PERSONA_MCP_ROOTS, or let the client share ` +
      `its workspace roots. Inline "code" or "files" input works without a root.`
    );
  }
}

/** `C:\x`, `C:/x`, `C:` and UNC `\\server\share` (and `\\?\` device paths) mean nothing on POSIX. */
export function isWindowsStylePath(p: string): boolean {
  return /^[A-Za-z]:([\\/]|$)/.test(p) || p.startsWith("\\\\");
}

async function realRoots(
  candidates: string[],
  cwd: string,
  kind: string,
  warn: (msg: string) => void,
): Promise<{ real: string[]; given: string[] }> {
  const real: string[] = [];
  const given: string[] = [];
  for (const candidate of candidates) {
    let abs: string;
    try {
      abs = candidate.startsWith("file:") ? fileURLToPath(candidate) : path.resolve(cwd, candidate);
    } catch (err) {
      warn(`ignoring ${kind} ${candidate}: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    try {
      const resolved = await realpath(abs);
      if (!real.includes(resolved)) real.push(resolved);
      given.push(path.normalize(abs));
    } catch {
      warn(`ignoring ${kind} ${abs}: it does not exist or cannot be read`);
    }
  }
  return { real, given };
}

/**
 * Flag roots win; else client roots (file:// URIs or absolute paths); else cwd unless it is the file-system root.
 * Roots are realpath-resolved; missing ones are dropped with a warning. Client roots that are all unusable (or an
 * empty list) fall back to the working directory, as when the client has no roots at all.
 */
export async function createAccessPolicy(opts: {
  flagRoots: string[];
  clientRoots?: string[] | null;
  cwd: string;
  warn?: (msg: string) => void;
}): Promise<AccessPolicy> {
  const warn = opts.warn ?? (() => {});
  if (opts.flagRoots.length > 0) {
    // Never widen to client roots or cwd when the user restricted access explicitly, even if every flag is bad.
    const { real, given } = await realRoots(opts.flagRoots, opts.cwd, "--root", warn);
    return new AccessPolicy(real, "flag", given);
  }
  if (opts.clientRoots && opts.clientRoots.length > 0) {
    const { real, given } = await realRoots(opts.clientRoots, opts.cwd, "client root", warn);
    if (real.length > 0) return new AccessPolicy(real, "client", given);
  }
  let cwd: string;
  try {
    cwd = await realpath(opts.cwd);
  } catch {
    warn(`the working directory ${opts.cwd} cannot be resolved; no folder may be read`);
    return new AccessPolicy([], "none");
  }
  // Clients such as Claude Desktop start servers in "/": allowing it would open the whole disk.
  if (path.parse(cwd).root === cwd) return new AccessPolicy([], "none");
  return new AccessPolicy([cwd], "cwd", [path.normalize(path.resolve(opts.cwd))]);
}
