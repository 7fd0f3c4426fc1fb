import { describe, expect, it } from "vitest";
import { GitIgnoreSet } from "../../src/files/gitignore.js";

describe("GitIgnoreSet", () => {
  it("lets a deeper .gitignore override a shallower one in both directions", () => {
    const set = new GitIgnoreSet();
    set.add("", "*.env.py\n!settings.py\n");
    set.add("app", "settings.py\n!local.env.py\n");
    expect(set.ignores("prod.env.py")).toBe(true);
    expect(set.ignores("app/local.env.py")).toBe(false);
    expect(set.ignores("app/prod.env.py")).toBe(true);
    expect(set.ignores("settings.py")).toBe(false);
    expect(set.ignores("app/settings.py")).toBe(true);
  });

  it("matches folder-only patterns against folders on the way to a file", () => {
    const set = new GitIgnoreSet();
    set.add("", "cache/\n");
    expect(set.ignores("cache")).toBe(false);
    expect(set.ignores("cache/")).toBe(true);
    expect(set.ignores("pkg/cache/x.py")).toBe(true);
  });

  it("anchors patterns with a slash to the folder of their .gitignore", () => {
    const set = new GitIgnoreSet();
    set.add("svc", "/gen\n");
    expect(set.ignores("svc/gen/x.py")).toBe(true);
    expect(set.ignores("gen/x.py")).toBe(false);
    expect(set.ignores("svc/sub/gen/x.py")).toBe(false);
  });

  it("applies rules from above the scanned folder through their prefix, after the folder's own", () => {
    const set = new GitIgnoreSet();
    set.add("", "!keep.tmp.py\n");
    set.addOuter("backend/", "*.tmp.py\nbackend/out/\n/frontend/\n");
    expect(set.ignores("x.tmp.py")).toBe(true);
    expect(set.ignores("keep.tmp.py")).toBe(false);
    expect(set.ignores("out/a.py")).toBe(true);
    expect(set.ignores("frontend/a.py")).toBe(false);
  });

  it("answers false for paths that cannot be under the scanned folder", () => {
    const set = new GitIgnoreSet();
    set.add("", "*\n");
    expect(set.ignores("../x.py")).toBe(false);
    expect(set.ignores("/etc/passwd")).toBe(false);
    expect(set.ignores("")).toBe(false);
    expect(set.ignores("./x.py")).toBe(true);
  });
});
