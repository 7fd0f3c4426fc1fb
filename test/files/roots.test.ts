import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/core/errors.js";
import { AccessPolicy, createAccessPolicy, isWindowsStylePath } from "../../src/files/roots.js";
import { makeTempDir, writeTree } from "./tree.js";

let base: string;
let cleanup: () => Promise<void>;
let app: string;
let other: string;

beforeAll(async () => {
  ({ dir: base, cleanup } = await makeTempDir());
  app = path.join(base, "app");
  other = path.join(base, "other");
  await writeTree(base, {
    app: {
      "main.py": "x = 1\n",
      pkg: { "mod.py": "y = 2\n" },
      "escape.py": { link: "../other/secret.py" },
      "escape-dir": { link: "../other" },
      "inner-link.py": { link: "pkg/mod.py" },
    },
    other: { "secret.py": "token = 'x'\n" },
    "app-sibling": { "x.py": "" },
  });
});
afterAll(() => cleanup());

async function refusal(policy: AccessPolicy, userPath: string): Promise<string> {
  const err = await policy.resolve(userPath).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  return (err as UserError).message;
}

describe("createAccessPolicy", () => {
  it("uses --root flags first, resolved against cwd, ignoring client roots", async () => {
    const policy = await createAccessPolicy({ flagRoots: ["app"], clientRoots: [other], cwd: base });
    expect(policy.source).toBe("flag");
    expect(policy.roots).toEqual([app]);
    expect(policy.describe()).toBe(`${app} (from --root)`);
  });

  it("uses client roots (file:// URIs or paths) when no flag is given", async () => {
    const policy = await createAccessPolicy({
      flagRoots: [],
      clientRoots: [pathToFileURL(app).href, other],
      cwd: base,
    });
    expect(policy.source).toBe("client");
    expect(policy.roots).toEqual([app, other]);
    expect(policy.describe()).toBe(`${app}, ${other} (shared by the client)`);
  });

  it("falls back to the working directory without flags or client roots", async () => {
    const policy = await createAccessPolicy({ flagRoots: [], clientRoots: null, cwd: app });
    expect(policy.source).toBe("cwd");
    expect(policy.roots).toEqual([app]);
    expect(policy.describe()).toBe(`${app} (the working directory)`);
  });

  it("falls back to the working directory when the client shares an empty list", async () => {
    const policy = await createAccessPolicy({ flagRoots: [], clientRoots: [], cwd: app });
    expect(policy.source).toBe("cwd");
  });

  it("allows nothing when the working directory is the file-system root", async () => {
    const policy = await createAccessPolicy({ flagRoots: [], clientRoots: null, cwd: "/" });
    expect(policy.source).toBe("none");
    expect(policy.roots).toEqual([]);
    expect(policy.describe()).toBe("no folder is allowed");
  });

  it("drops roots that do not exist, with a warning", async () => {
    const warnings: string[] = [];
    const missing = path.join(base, "missing");
    const policy = await createAccessPolicy({
      flagRoots: [missing, app],
      cwd: base,
      warn: (msg) => warnings.push(msg),
    });
    expect(policy.roots).toEqual([app]);
    expect(warnings).toEqual([`ignoring --root ${missing}: it does not exist or cannot be read`]);
  });

  it("does not widen to cwd when every --root is missing", async () => {
    const policy = await createAccessPolicy({ flagRoots: [path.join(base, "missing")], cwd: app, warn: () => {} });
    expect(policy.source).toBe("flag");
    expect(policy.roots).toEqual([]);
    expect(await refusal(policy, "main.py")).toContain("none of the --root folders exist");
  });

  it("resolves symlinked roots to their real path", async () => {
    const linkBase = path.join(base, "links");
    await writeTree(linkBase, { "app-link": { link: app } });
    const policy = await createAccessPolicy({ flagRoots: [path.join(linkBase, "app-link")], cwd: base });
    expect(policy.roots).toEqual([app]);
    // A path written through the configured (symlinked) root is accepted and resolved.
    expect(await policy.resolve(path.join(linkBase, "app-link", "main.py"))).toBe(path.join(app, "main.py"));
  });
});

describe("AccessPolicy.resolve", () => {
  let policy: AccessPolicy;
  beforeAll(async () => {
    policy = await createAccessPolicy({ flagRoots: [app], cwd: base });
  });

  it("resolves absolute paths inside the root to their real path", async () => {
    expect(await policy.resolve(path.join(app, "pkg", "mod.py"))).toBe(path.join(app, "pkg", "mod.py"));
    expect(await policy.resolve(app)).toBe(app);
  });

  it("resolves relative paths against the first root", async () => {
    const two = await createAccessPolicy({ flagRoots: [app, other], cwd: base });
    expect(await two.resolve("pkg/mod.py")).toBe(path.join(app, "pkg", "mod.py"));
    expect(await two.resolve(".")).toBe(app);
  });

  it("allows .. that stays inside the root", async () => {
    expect(await policy.resolve("pkg/../main.py")).toBe(path.join(app, "main.py"));
  });

  it("follows a symlink that stays inside the root", async () => {
    expect(await policy.resolve("inner-link.py")).toBe(path.join(app, "pkg", "mod.py"));
  });

  it("refuses a path outside the roots, naming the roots and how to add one", async () => {
    const target = path.join(other, "secret.py");
    expect(await refusal(policy, target)).toBe(
      `${target} is outside the allowed roots; the allowed roots are ${app} (from --root); ` +
        `to allow another folder, add --root DIR when starting the server`,
    );
  });

  it("refuses a sibling folder that merely shares the root's name as a prefix", async () => {
    expect(await refusal(policy, path.join(base, "app-sibling", "x.py"))).toContain("is outside the allowed roots");
  });

  it("does not reveal whether a path outside the roots exists", async () => {
    const missing = await refusal(policy, path.join(other, "nope.py"));
    expect(missing).toContain("is outside the allowed roots");
    expect(missing).not.toContain("does not exist");
  });

  it("suggests client roots as well when the roots are not from flags", async () => {
    const cwdPolicy = await createAccessPolicy({ flagRoots: [], cwd: app });
    expect(await refusal(cwdPolicy, "/etc")).toBe(
      `/etc is outside the allowed roots; the allowed roots are ${app} (the working directory); to allow another ` +
        `folder, start the server with --root DIR (or PERSONA_MCP_ROOTS), or let your client share it as a workspace root`,
    );
  });

  it("refuses a .. escape", async () => {
    expect(await refusal(policy, "../other/secret.py")).toBe(
      `../other/secret.py uses ".." to leave the allowed roots; the allowed roots are ${app} (from --root); ` +
        `to allow another folder, add --root DIR when starting the server`,
    );
    expect(await refusal(policy, `${app}/../other`)).toContain(`uses ".." to leave the allowed roots`);
  });

  it("refuses a NUL byte", async () => {
    expect(await refusal(policy, "main.py\0.txt")).toBe(
      `the path "main.py\\u0000.txt" contains a NUL byte; give a plain file or folder path`,
    );
  });

  it.skipIf(path.sep !== "/")("refuses Windows-style paths on POSIX", async () => {
    for (const p of ["C:\\x", "c:/Users/me/app", "\\\\server\\share\\app.py", "\\\\?\\C:\\x"]) {
      expect(await refusal(policy, p)).toContain("is a Windows-style path, but the server runs on a POSIX system");
    }
  });

  it("refuses a path that does not exist, saying where relative paths resolve", async () => {
    expect(await refusal(policy, "nope.py")).toBe(
      `nope.py (${path.join(app, "nope.py")}) does not exist (relative paths resolve against ${app})`,
    );
    expect(await refusal(policy, path.join(app, "gone"))).toBe(`${path.join(app, "gone")} does not exist`);
  });

  it("hints at / separators when a missing path has backslashes", async () => {
    expect(await refusal(policy, "pkg\\mod.py")).toContain("does not exist");
    expect(await refusal(policy, "pkg\\mod.py")).toContain("use / as the path separator");
  });

  it("refuses a symlinked file whose target leaves the roots", async () => {
    expect(await refusal(policy, "escape.py")).toBe(
      `${path.join(app, "escape.py")} is a symlink (or lies under one) whose target ${path.join(other, "secret.py")} ` +
        `is outside the allowed roots; the allowed roots are ${app} (from --root); ` +
        `to allow another folder, add --root DIR when starting the server`,
    );
  });

  it("refuses a path under a symlinked folder whose target leaves the roots", async () => {
    expect(await refusal(policy, "escape-dir")).toContain("is a symlink (or lies under one) whose target");
    expect(await refusal(policy, "escape-dir/secret.py")).toContain(
      `whose target ${path.join(other, "secret.py")} is outside the allowed roots`,
    );
  });

  it("refuses every path when no root is allowed, saying how to allow one", async () => {
    const none = await createAccessPolicy({ flagRoots: [], cwd: "/" });
    expect(await refusal(none, "/etc/passwd")).toBe(
      "cannot read /etc/passwd: no folder is allowed to be read (the server was started in the file-system root " +
        "and the client shares no workspace roots); start the server with --root DIR or PERSONA_MCP_ROOTS, or let " +
        'the client share its workspace roots. Inline "code" or "files" input works without a root.',
    );
  });

  it("refuses an empty path", async () => {
    expect(await refusal(policy, "")).toBe(`the path is empty; give a file or folder under ${app} (from --root)`);
  });
});

describe("AccessPolicy.contains", () => {
  it("matches the root and what lies below it, not prefixes of its name", () => {
    const policy = new AccessPolicy(["/home/me/app"], "flag");
    expect(policy.contains("/home/me/app")).toBe(true);
    expect(policy.contains("/home/me/app/x.py")).toBe(true);
    expect(policy.contains("/home/me/app2/x.py")).toBe(false);
    expect(policy.contains("/home/me")).toBe(false);
  });

  it("handles the file-system root given explicitly as a root", () => {
    const policy = new AccessPolicy(["/"], "flag");
    expect(policy.contains("/etc/passwd")).toBe(true);
  });
});

describe("isWindowsStylePath", () => {
  it("recognises drive and UNC paths only", () => {
    expect(isWindowsStylePath("C:\\x")).toBe(true);
    expect(isWindowsStylePath("D:")).toBe(true);
    expect(isWindowsStylePath("\\\\server\\share")).toBe(true);
    expect(isWindowsStylePath("app/C:x")).toBe(false);
    expect(isWindowsStylePath("/home/me")).toBe(false);
    expect(isWindowsStylePath("c.py")).toBe(false);
  });
});
