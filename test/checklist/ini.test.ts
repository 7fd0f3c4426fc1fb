import { describe, expect, it } from "vitest";
import { iniValue, parseIni } from "../../src/checklist/ini.js";

// Expected values are what CPython's configparser.ConfigParser returns for the same text.
describe("configparser-compatible INI reader", () => {
  it("reads = and : delimiters, case-folds keys, keeps section case, and ignores full-line comments only", () => {
    const ini = parseIni("# top\n[Alembic]\nScript_Location = migrations\nurl: sqlite:///x.db ; not a comment\n; comment\n");
    expect(iniValue(ini, "Alembic", "script_location")).toBe("migrations");
    expect(iniValue(ini, "Alembic", "url")).toBe("sqlite:///x.db ; not a comment");
    expect(iniValue(ini, "alembic", "script_location")).toBeNull();
    expect(ini.errors).toEqual([]);
  });

  it("joins indented continuation lines and keeps inner blank lines", () => {
    const ini = parseIni("[alembic]\nversion_locations =\n    a/versions\n\n    b/versions\n\nnext = 1\n");
    expect(iniValue(ini, "alembic", "version_locations")).toBe("\na/versions\n\nb/versions");
    expect(iniValue(ini, "alembic", "next")).toBe("1");
  });

  it("interpolates %(name)s from the section, DEFAULT and given vars, and %% as %", () => {
    const ini = parseIni("[DEFAULT]\nroot = /srv\n[alembic]\nscript_location = %(here)s/migrations\nlogs = %(root)s/logs\nfmt = %%(message)s\n");
    expect(iniValue(ini, "alembic", "script_location", { here: "." })).toBe("./migrations");
    expect(iniValue(ini, "alembic", "logs")).toBe("/srv/logs");
    expect(iniValue(ini, "alembic", "fmt")).toBe("%(message)s");
  });

  it("reports what configparser would refuse, with lines, and reads the rest", () => {
    const ini = parseIni("orphan = 1\n[a]\nx = 1\nx = 2\nnot a pair\n[a]\n");
    expect(ini.errors).toEqual([
      { line: 1, message: "text before the first [section] header" },
      { line: 4, message: 'key "x" appears twice in [a]' },
      { line: 5, message: 'cannot read "not a pair": expected "key = value"' },
      { line: 6, message: "section [a] appears twice" },
    ]);
    expect(iniValue(ini, "a", "x")).toBe("2");
  });
});
