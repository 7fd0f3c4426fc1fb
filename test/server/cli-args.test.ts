import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseServerArgs } from "../../src/cli/args.js";

const D = path.delimiter;

describe("parseServerArgs", () => {
  it("serves the bundled personas with no roots when given nothing", () => {
    expect(parseServerArgs([], {})).toEqual({ kind: "serve", roots: [], personaDirs: [], bundled: true });
  });

  it("collects repeated --root and --personas, in both spellings", () => {
    expect(
      parseServerArgs(["--root", "/a", "--root=/b", "--personas", "./p1", "--personas=p2", "--no-bundled"], {}),
    ).toEqual({ kind: "serve", roots: ["/a", "/b"], personaDirs: ["./p1", "p2"], bundled: false });
  });

  it("reads the environment lists split on the path delimiter, and flags add to them", () => {
    const env = { PERSONA_MCP_ROOTS: `/env1${D}${D} /env2 `, PERSONA_MCP_PERSONAS: `/penv` };
    expect(parseServerArgs(["--root", "/flag", "--personas", "/pflag"], env)).toEqual({
      kind: "serve",
      roots: ["/env1", "/env2", "/flag"],
      personaDirs: ["/penv", "/pflag"],
      bundled: true,
    });
  });

  it("recognises help and version", () => {
    expect(parseServerArgs(["--help"], {})).toEqual({ kind: "help" });
    expect(parseServerArgs(["-h"], {})).toEqual({ kind: "help" });
    expect(parseServerArgs(["--root", "/a", "--version"], {})).toEqual({ kind: "version" });
    expect(parseServerArgs(["-v"], {})).toEqual({ kind: "version" });
  });

  it("rejects an unknown option, naming it", () => {
    expect(parseServerArgs(["--roots", "/a"], {})).toEqual({
      kind: "usage-error",
      message: "unknown option --roots; run persona-mcp --help for the options",
    });
    expect(parseServerArgs(["--verbose=1"], {})).toMatchObject({ message: expect.stringContaining("--verbose;") });
  });

  it("rejects an option missing its folder, including one followed by another option", () => {
    const missing = { kind: "usage-error", message: "--root needs a folder, e.g. --root ./my-project" };
    expect(parseServerArgs(["--root"], {})).toEqual(missing);
    expect(parseServerArgs(["--root", "--personas", "x"], {})).toEqual(missing);
    expect(parseServerArgs(["--personas="], {})).toEqual({
      kind: "usage-error",
      message: "--personas needs a folder, e.g. --personas ./my-project",
    });
  });

  it("rejects a stray positional argument", () => {
    expect(parseServerArgs(["/some/dir"], {})).toEqual({
      kind: "usage-error",
      message:
        'unexpected argument "/some/dir"; the server takes only options (subcommands: scan, audit, validate, delegate, personas)',
    });
  });
});
