import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/core/errors.js";
import { loadProject, type LoadOptions } from "../../src/files/load.js";
import { createAccessPolicy, type AccessPolicy } from "../../src/files/roots.js";
import type { LoadedProject, SourceInput } from "../../src/files/types.js";
import { makeTempDir, writeTree, type Tree } from "./tree.js";

let base: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir: base, cleanup } = await makeTempDir());
});
afterAll(() => cleanup());

let counter = 0;
/** Writes a tree in its own folder under the temp dir and returns a policy rooted there. */
async function project(tree: Tree): Promise<{ dir: string; policy: AccessPolicy }> {
  const dir = path.join(base, `p${++counter}`);
  await writeTree(dir, tree);
  return { dir, policy: await createAccessPolicy({ flagRoots: [dir], cwd: base }) };
}

function paths(loaded: LoadedProject): { python: string[]; other: string[] } {
  return { python: loaded.pythonFiles.map((f) => f.path), other: loaded.otherFiles.map((f) => f.path) };
}

async function userError(input: SourceInput, policy: AccessPolicy | null, opts?: LoadOptions): Promise<string> {
  const err = await loadProject(input, policy, opts).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  return (err as UserError).message;
}

describe("input kinds", () => {
  it("refuses no input, or more than one kind, saying which were given", async () => {
    const prefix = `give exactly one of "path" (a file or folder), "files" ([{path, content}]) or "code" (a snippet); `;
    expect(await userError({}, null)).toBe(prefix + "none was given");
    expect(await userError({ path: "x", code: "y" }, null)).toBe(prefix + "got path and code");
    expect(await userError({ path: "x", files: [], code: "y" }, null)).toBe(prefix + "got path and files and code");
  });

  it("loads code as one snippet.py with no path on disk", async () => {
    const loaded = await loadProject({ code: "\uFEFFimport fastapi\n" }, null);
    expect(loaded.root).toBeNull();
    expect(loaded.pythonFiles).toEqual([{ path: "snippet.py", absPath: null, content: "import fastapi\n" }]);
    expect(loaded.otherFiles).toEqual([]);
    expect(loaded.truncated).toBeNull();
    expect(loaded.isGitIgnored("snippet.py")).toBe(false);
  });

  it("skips a code snippet over the size limit", async () => {
    const loaded = await loadProject({ code: "x = 1\n".repeat(200) }, null, { limits: { maxFileBytes: 1024 } });
    expect(loaded.pythonFiles).toEqual([]);
    expect(loaded.skipped).toEqual([{ file: "snippet.py", reason: "larger than 1 KiB" }]);
  });

  it("loads inline files as given, / separators, sorted, .py apart from the rest", async () => {
    const loaded = await loadProject(
      {
        files: [
          { path: "app\\routers\\items.py", content: "a" },
          { path: "./Dockerfile", content: "FROM python:3.12" },
          { path: "app/main.py", content: "b" },
          { path: "README.md", content: "c" },
        ],
      },
      null,
    );
    expect(loaded.pythonFiles).toEqual([
      { path: "app/main.py", absPath: null, content: "b" },
      { path: "app/routers/items.py", absPath: null, content: "a" },
    ]);
    expect(paths(loaded).other).toEqual(["Dockerfile", "README.md"]);
  });

  it("refuses an empty path, a NUL byte, a duplicate and an empty list", async () => {
    expect(await userError({ files: [{ path: "", content: "" }] }, null)).toBe(
      `files[0] has an empty path; give each file a path such as "app/main.py"`,
    );
    expect(await userError({ files: [{ path: "a\0.py", content: "" }] }, null)).toBe(
      "files[0].path contains a NUL byte",
    );
    const dup = [
      { path: "app/main.py", content: "" },
      { path: "app\\main.py", content: "" },
    ];
    expect(await userError({ files: dup }, null)).toBe(
      `files[1].path "app\\\\main.py" duplicates an earlier file (app/main.py)`,
    );
    expect(await userError({ files: [] }, null)).toBe(`"files" is empty; give at least one {path, content}`);
  });

  it("skips inline files over the size limit or holding NUL bytes", async () => {
    const loaded = await loadProject(
      {
        files: [
          { path: "big.py", content: "é".repeat(600) }, // 1,200 bytes in UTF-8
          { path: "bin.py", content: "x\0y" },
          { path: "ok.py", content: "x" },
        ],
      },
      null,
      { limits: { maxFileBytes: 1000 } },
    );
    expect(paths(loaded).python).toEqual(["ok.py"]);
    expect(loaded.skipped).toEqual([
      { file: "big.py", reason: "larger than 1000 bytes" },
      { file: "bin.py", reason: "binary file" },
    ]);
  });

  it("stops inline files at maxFiles, saying so", async () => {
    const files = ["a.py", "b.py", "c.py"].map((p) => ({ path: p, content: "" }));
    const loaded = await loadProject({ files }, null, { limits: { maxFiles: 2 } });
    expect(paths(loaded).python).toEqual(["a.py", "b.py"]);
    expect(loaded.truncated).toBe("stopped after 2 files (limit)");
  });

  it("answers isGitIgnored from inline .gitignore files", async () => {
    const loaded = await loadProject(
      {
        files: [
          { path: ".gitignore", content: "*.log\n" },
          { path: "migrations/.gitignore", content: "versions/\n" },
          { path: "app.py", content: "" },
        ],
      },
      null,
    );
    expect(loaded.isGitIgnored("debug.log")).toBe(true);
    expect(loaded.isGitIgnored("migrations/versions/001_init.py")).toBe(true);
    expect(loaded.isGitIgnored("versions/001_init.py")).toBe(false);
  });

  it("refuses a path without a policy", async () => {
    expect(await userError({ path: "app" }, null)).toBe(
      `path-based calls need an allowed root, and none is configured; start the server with --root DIR ` +
        `(or PERSONA_MCP_ROOTS), or pass the source inline as "code" or "files"`,
    );
  });

  it("refuses invalid limits", async () => {
    expect(await userError({ code: "" }, null, { limits: { maxFiles: 0 } })).toBe(
      "the limit maxFiles must be a positive whole number, got 0",
    );
  });
});

describe("a path to a file", () => {
  it("loads a .py file with its folder as root and its name as path", async () => {
    const { dir, policy } = await project({ app: { "main.py": "app = 1\n", "other.py": "" } });
    const loaded = await loadProject({ path: "app/main.py" }, policy);
    expect(loaded.root).toBe(path.join(dir, "app"));
    expect(loaded.pythonFiles).toEqual([
      { path: "main.py", absPath: path.join(dir, "app", "main.py"), content: "app = 1\n" },
    ]);
    expect(loaded.otherFiles).toEqual([]);
  });

  it("loads a file the audit reads into otherFiles and refuses other non-Python files", async () => {
    const { policy } = await project({ Dockerfile: "FROM python:3.12\n", "notes.txt": "" });
    const loaded = await loadProject({ path: "Dockerfile" }, policy);
    expect(paths(loaded)).toEqual({ python: [], other: ["Dockerfile"] });
    expect(await userError({ path: "notes.txt" }, policy)).toContain("notes.txt is not a Python file (.py)");
  });

  it("refuses a symlinked file whose target leaves the roots", async () => {
    const outside = path.join(base, "outside-file");
    await writeTree(outside, { "secret.py": "x" });
    const { policy } = await project({ "link.py": { link: path.join(outside, "secret.py") } });
    expect(await userError({ path: "link.py" }, policy)).toContain("whose target");
  });

  it("lists an oversized file as skipped instead of failing", async () => {
    const { policy } = await project({ "big.py": "x".repeat(2048) });
    const loaded = await loadProject({ path: "big.py" }, policy, { limits: { maxFileBytes: 1024 } });
    expect(loaded.pythonFiles).toEqual([]);
    expect(loaded.skipped).toEqual([{ file: "big.py", reason: "larger than 1 KiB" }]);
  });

  it.skipIf(process.platform === "win32")("refuses a FIFO named directly and ignores one in a walk", async () => {
    const { dir, policy } = await project({ "main.py": "" });
    execFileSync("mkfifo", [path.join(dir, "pipe.py")]);
    expect(await userError({ path: "pipe.py" }, policy)).toBe("pipe.py is neither a regular file nor a folder");
    const loaded = await loadProject({ path: "." }, policy);
    expect(paths(loaded).python).toEqual(["main.py"]);
    expect(loaded.skipped).toEqual([]);
  });

  it("answers isGitIgnored from the file's folder", async () => {
    const { policy } = await project({ ".gitignore": "secret_*.py\n", "main.py": "" });
    const loaded = await loadProject({ path: "main.py" }, policy);
    expect(loaded.isGitIgnored("secret_x.py")).toBe(true);
    expect(loaded.isGitIgnored("main.py")).toBe(false);
  });
});

describe("a path to a folder", () => {
  it("reads a hidden folder the user names, though it skips hidden folders below the one given", async () => {
    const { policy } = await project({ ".github": { scripts: { "release.py": "", ".cache": { "x.py": "" } } } });
    const loaded = await loadProject({ path: ".github" }, policy);
    expect(paths(loaded).python).toEqual(["scripts/release.py"]);
  });

  it("reads .py files and the files the audit reads, skipping the skip list", async () => {
    const { dir, policy } = await project({
      app: { "main.py": "", "__init__.py": "", "types.pyi": "", "data.csv": "" },
      "Dockerfile": "",
      "Dockerfile.prod": "",
      "Dockerfile.dockerignore": "",
      "worker.dockerfile": "",
      "Containerfile": "",
      "alembic.ini": "",
      "pyproject.toml": "",
      "setup.cfg": "",
      "logging.yaml": "",
      "log_config.json": "",
      "config.yaml": "",
      "package.json": "",
      "README.md": "",
      ".git": { "config.py": "" },
      node_modules: { "x.py": "" },
      ".venv": { "x.py": "" },
      venv: { "x.py": "" },
      __pycache__: { "x.py": "" },
      build: { "x.py": "" },
      dist: { "x.py": "" },
      lib: { "site-packages": { "x.py": "" } },
      ".tox": { "x.py": "" },
      ".mypy_cache": { "x.py": "" },
      ".pytest_cache": { "x.py": "" },
      ".ruff_cache": { "x.py": "" },
      ".hg": { "x.py": "" },
      ".svn": { "x.py": "" },
      ".nox": { "x.py": "" },
      ".pytype": { "x.py": "" },
      ".direnv": { "x.py": "" },
      ".eggs": { "x.py": "" },
      __pypackages__: { "x.py": "" },
      notebooks: { ".ipynb_checkpoints": { "x.py": "" } },
      env3: { "pyvenv.cfg": "home = /usr/bin\n", lib: { "x.py": "" } },
      tools: { "script.py": "" },
      // Hidden folders: CI scripts, coding-agent skills and their examples, a dev container's image.
      ".github": { scripts: { "release.py": "" } },
      ".claude": { skills: { sdk: { examples: { "auth.py": "" } } } },
      ".devcontainer": { Dockerfile: "" },
      app2: { ".agents": { "x.py": "" } },
      // ...but where some projects keep the Dockerfile that ships.
      ".docker": { Dockerfile: "" },
    });
    const loaded = await loadProject({ path: "." }, policy);
    expect(loaded.root).toBe(dir);
    expect(paths(loaded)).toEqual({
      python: ["app/__init__.py", "app/main.py", "tools/script.py"],
      other: [
        ".docker/Dockerfile",
        "Containerfile",
        "Dockerfile",
        "Dockerfile.prod",
        "alembic.ini",
        "log_config.json",
        "logging.yaml",
        "pyproject.toml",
        "setup.cfg",
        "worker.dockerfile",
      ],
    });
    expect(loaded.skipped).toEqual([]);
    expect(loaded.truncated).toBeNull();
    expect(loaded.pythonFiles[0]?.absPath).toBe(path.join(dir, "app", "__init__.py"));
  });

  it("still scans a folder that is itself a virtualenv-style project root", async () => {
    const { policy } = await project({ "pyvenv.cfg": "", "main.py": "", lib: { "site-packages": { "x.py": "" } } });
    expect(paths(await loadProject({ path: "." }, policy)).python).toEqual(["main.py"]);
  });

  it("honours root and nested .gitignore files, negations included", async () => {
    const { policy } = await project({
      ".gitignore": "*.generated.py\nsecrets/\n/local_settings.py\n",
      "local_settings.py": "",
      "main.py": "",
      "schema.generated.py": "",
      secrets: { "keys.py": "" },
      app: {
        ".gitignore": "!keep.generated.py\nscratch_*.py\n",
        "keep.generated.py": "",
        "drop.generated.py": "",
        "scratch_1.py": "",
        "local_settings.py": "",
      },
    });
    const loaded = await loadProject({ path: "." }, policy);
    expect(paths(loaded)).toEqual({
      python: ["app/keep.generated.py", "app/local_settings.py", "main.py"],
      other: [".gitignore", "app/.gitignore"],
    });
    expect(loaded.isGitIgnored("secrets/keys.py")).toBe(true);
    expect(loaded.isGitIgnored("secrets")).toBe(false); // a file named secrets would not match "secrets/"
    expect(loaded.isGitIgnored("secrets/")).toBe(true);
    expect(loaded.isGitIgnored("app/scratch_1.py")).toBe(true);
    expect(loaded.isGitIgnored("scratch_1.py")).toBe(false);
    expect(loaded.isGitIgnored("app/keep.generated.py")).toBe(false);
    expect(loaded.isGitIgnored("app\\drop.generated.py")).toBe(true);
    expect(loaded.isGitIgnored("../outside.py")).toBe(false);
  });

  it("cannot re-include a file below an excluded folder, as git", async () => {
    const { policy } = await project({
      ".gitignore": "generated/\n",
      generated: { ".gitignore": "!api.py\n", "api.py": "" },
    });
    const loaded = await loadProject({ path: "." }, policy);
    expect(paths(loaded).python).toEqual([]);
    expect(loaded.isGitIgnored("generated/api.py")).toBe(true);
  });

  it("answers isGitIgnored for paths in folders the walk skipped", async () => {
    const { policy } = await project({
      ".gitignore": "alembic/versions/*.py\n",
      alembic: { versions: { "001_init.py": "" }, "env.py": "" },
      build: { "x.py": "" },
    });
    const loaded = await loadProject({ path: "." }, policy);
    expect(paths(loaded).python).toEqual(["alembic/env.py"]);
    expect(loaded.isGitIgnored("alembic/versions/001_init.py")).toBe(true);
    expect(loaded.isGitIgnored("build/x.py")).toBe(false);
  });

  it("applies .gitignore files above the scanned folder up to the repository root", async () => {
    const { dir, policy } = await project({
      ".git": { info: { exclude: "*.local.py\n" } },
      ".gitignore": "backend/tmp/\n",
      backend: { "main.py": "", tmp: { "x.py": "" }, "dev.local.py": "" },
    });
    const loaded = await loadProject({ path: path.join(dir, "backend") }, policy);
    expect(paths(loaded).python).toEqual(["main.py"]);
    expect(loaded.isGitIgnored("tmp/x.py")).toBe(true);
  });

  it("skips extra exclude globs", async () => {
    const { policy } = await project({ "main.py": "", tests: { "test_x.py": "" }, "gen_pb2.py": "" });
    const loaded = await loadProject({ path: "." }, policy, { exclude: ["tests/", "*_pb2.py"] });
    expect(paths(loaded).python).toEqual(["main.py"]);
    expect(loaded.isGitIgnored("tests/test_x.py")).toBe(false);
  });

  it("skips binary and oversized files with a reason", async () => {
    const { policy } = await project({
      "blob.py": new Uint8Array([0x70, 0x72, 0x00, 0x01]),
      "huge.py": "x = 1\n".repeat(300),
      "ok.py": "x = 1\n",
    });
    const loaded = await loadProject({ path: "." }, policy, { limits: { maxFileBytes: 1024 } });
    expect(paths(loaded).python).toEqual(["ok.py"]);
    expect(loaded.skipped).toEqual([
      { file: "blob.py", reason: "binary file" },
      { file: "huge.py", reason: "larger than 1 KiB" },
    ]);
  });

  it("uses the default limit of 1 MiB", async () => {
    const { policy } = await project({ "huge.py": "#".repeat(1024 * 1024 + 1), "max.py": "#".repeat(1024 * 1024) });
    const loaded = await loadProject({ path: "." }, policy);
    expect(paths(loaded).python).toEqual(["max.py"]);
    expect(loaded.skipped).toEqual([{ file: "huge.py", reason: "larger than 1 MiB" }]);
  });

  it("decodes invalid UTF-8 leniently, strips a BOM and reads UTF-16 with a BOM", async () => {
    const { policy } = await project({
      "latin1.py": new Uint8Array([0x23, 0x20, 0xe9, 0x0a, 0x78, 0x0a]), // "# é\nx\n" in Latin-1
      "bom.py": new Uint8Array([0xef, 0xbb, 0xbf, 0x78, 0x0a]),
      "utf16.py": new Uint8Array([0xff, 0xfe, 0x78, 0x00, 0x0a, 0x00]),
    });
    const loaded = await loadProject({ path: "." }, policy);
    expect(loaded.pythonFiles.map((f) => [f.path, f.content])).toEqual([
      ["bom.py", "x\n"],
      ["latin1.py", "# \uFFFD\nx\n"],
      ["utf16.py", "x\n"],
    ]);
    expect(loaded.skipped).toEqual([]);
  });

  it("stops at maxFiles with a sentence, keeping the first files in path order", async () => {
    const { policy } = await project({
      a: { "1.py": "", "2.py": "" },
      b: { "3.py": "" },
      "pyproject.toml": "",
      "z.py": "",
    });
    const loaded = await loadProject({ path: "." }, policy, { limits: { maxFiles: 3 } });
    expect(paths(loaded)).toEqual({ python: ["a/1.py", "a/2.py", "b/3.py"], other: [] });
    expect(loaded.truncated).toBe("stopped after 3 files (limit)");
  });

  it("is not truncated when the file count equals maxFiles", async () => {
    const { policy } = await project({ "a.py": "", "b.py": "" });
    const loaded = await loadProject({ path: "." }, policy, { limits: { maxFiles: 2 } });
    expect(loaded.truncated).toBeNull();
  });

  it("stops at the deadline with a sentence instead of failing", async () => {
    const { policy } = await project({ "a.py": "", "b.py": "" });
    const loaded = await loadProject({ path: "." }, policy, { deadline: Date.now() - 1 });
    expect(loaded.pythonFiles).toEqual([]);
    expect(loaded.truncated).toBe("stopped after 0 files (time budget)");
  });

  it("throws the abort reason when the signal is aborted", async () => {
    const { policy } = await project({ "a.py": "" });
    const controller = new AbortController();
    controller.abort();
    await expect(loadProject({ path: "." }, policy, { signal: controller.signal })).rejects.toMatchObject({
      name: "AbortError",
    });
  });

  it("reads many files, all of them, sorted", async () => {
    const tree: Tree = {};
    for (let i = 0; i < 120; i++) tree[`m${String(i).padStart(3, "0")}.py`] = `n = ${i}\n`;
    const { policy } = await project({ pkg: tree });
    const loaded = await loadProject({ path: "pkg" }, policy);
    expect(loaded.pythonFiles).toHaveLength(120);
    expect(loaded.pythonFiles[7]).toMatchObject({ path: "m007.py", content: "n = 7\n" });
    expect(loaded.pythonFiles.map((f) => f.path)).toEqual([...loaded.pythonFiles.map((f) => f.path)].sort());
  });
});

describe("symlinks in a folder walk", () => {
  it("skips symlinked files and folders that leave the roots, with a reason", async () => {
    const outside = path.join(base, "outside-walk");
    await writeTree(outside, { "secret.py": "", pkg: { "x.py": "" } });
    const { policy } = await project({
      "main.py": "",
      "leak.py": { link: path.join(outside, "secret.py") },
      vendored: { link: path.join(outside, "pkg") },
      "notes.txt": { link: "/etc/hostname" },
    });
    const loaded = await loadProject({ path: "." }, policy);
    expect(paths(loaded).python).toEqual(["main.py"]);
    expect(loaded.skipped).toEqual([
      { file: "leak.py", reason: "symlink target outside the allowed roots" },
      { file: "vendored", reason: "symlink target outside the allowed roots" },
    ]);
  });

  it("follows symlinks inside the roots once, reporting loops and broken links", async () => {
    const { dir } = await project({
      shared: { "util.py": "" },
      app: {
        "main.py": "",
        "alias.py": { link: "main.py" },
        lib: { link: "../shared" },
        self: { link: "." },
        up: { link: ".." },
        "gone.py": { link: "missing.py" },
      },
    });
    const policy = await createAccessPolicy({ flagRoots: [dir], cwd: base });
    const loaded = await loadProject({ path: "app" }, policy);
    expect(loaded.pythonFiles.map((f) => [f.path, f.absPath])).toEqual([
      ["alias.py", path.join(dir, "app", "main.py")],
      ["lib/util.py", path.join(dir, "shared", "util.py")],
      ["main.py", path.join(dir, "app", "main.py")],
    ]);
    expect(loaded.skipped).toEqual([
      { file: "gone.py", reason: "broken symlink" },
      { file: "up", reason: "symlink loop: it points to a folder holding the scanned one" },
    ]);
  });

  it("walks a folder reached both directly and through a symlink only once", async () => {
    const { policy } = await project({ a: { "x.py": "" }, b: { link: "a" } });
    const loaded = await loadProject({ path: "." }, policy);
    expect(paths(loaded).python).toEqual(["a/x.py"]);
  });
});
