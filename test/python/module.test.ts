import { describe, expect, it } from "vitest";
import { withProjectIndex } from "../../src/python/analyze.js";
import { factsOf, type ModuleInfo, type Scope, scopesMatching } from "../../src/python/module.js";
import { places, scanFiles } from "../rules/helpers.js";

/** Builds the module for one file and hands it to `use` while its tree is alive. */
function withModule<T>(content: string, use: (mod: ModuleInfo) => T): Promise<T> {
  return withProjectIndex([{ path: "app/m.py", absPath: null, content }], {}, (index) => use(index.modules[0]!));
}

const line = (mod: ModuleInfo, at: number) => mod.file.content.slice(0, at).split("\n").length;
const callLines = (mod: ModuleInfo, scope: Scope) => factsOf(scope).calls.map((f) => `${line(mod, f.node.startIndex)}:${f.node.text}`);
const fn = (mod: ModuleInfo, name: string) => mod.functions.find((f) => f.name === name)!;

const SOURCE = [
  "import os", // 1
  "", // 2
  "def outer(a=make_default(), b=lambda: inner_default()):", // 3
  "    x = first()", // 4
  "    def nested(c=nested_default()):", // 5
  "        return nested_body()", // 6
  "    y = (lambda: in_lambda())()", // 7
  "    class Local:", // 8
  "        field = in_class()", // 9
  "        def method(self):", // 10
  "            return in_method()", // 11
  "    return last(x, y)", // 12
  "", // 13
  "top = at_module()", // 14
  "", // 15
  "@decorate(arg())", // 16
  "async def handler():", // 17
  '    s = "def not_a_function(): import nothing"', // 18
  "    # class NotAClass: lambda: global x", // 19
  "    return await fetch()", // 20
].join("\n");

describe("module facts per scope", () => {
  it("gives each scope exactly its own calls: defaults and decorators belong where Python evaluates them", async () => {
    await withModule(SOURCE, (mod) => {
      expect(callLines(mod, mod.moduleScope)).toEqual([
        "3:make_default()",
        "14:at_module()",
        "16:decorate(arg())",
        "16:arg()",
      ]);
      expect(callLines(mod, fn(mod, "outer").scope)).toEqual([
        "4:first()",
        "5:nested_default()",
        "7:(lambda: in_lambda())()",
        "12:last(x, y)",
      ]);
      expect(callLines(mod, fn(mod, "nested").scope)).toEqual(["6:nested_body()"]);
      expect(callLines(mod, fn(mod, "method").scope)).toEqual(["11:in_method()"]);
      const local = mod.classes.find((c) => c.name === "Local")!;
      expect(callLines(mod, local.scope)).toEqual(["9:in_class()"]);
      expect(callLines(mod, fn(mod, "handler").scope)).toEqual(["20:fetch()"]);
    });
  });

  it("matches the module-wide lists, which hold every scope's facts in source order", async () => {
    await withModule(SOURCE, (mod) => {
      const scopes = new Set(mod.calls.map((f) => f.scope));
      const perScope = [...scopes].flatMap((s) => factsOf(s).calls).sort((a, b) => a.node.startIndex - b.node.startIndex);
      expect(perScope.map((f) => f.node.startIndex)).toEqual(mod.calls.map((f) => f.node.startIndex));
      expect(mod.calls.map((f) => line(mod, f.node.startIndex))).toEqual([3, 3, 4, 5, 6, 7, 7, 9, 11, 12, 14, 16, 16, 20]);
      // The lambda in outer's default is its own scope, nested in the module's.
      const lambdaCall = mod.calls.find((f) => f.node.text === "inner_default()")!;
      expect(lambdaCall.scope.kind).toBe("lambda");
      expect(lambdaCall.scope.parent).toBe(mod.moduleScope);
    });
  });

  it("reads every kind of fact for each scope, and none of another scope's", async () => {
    const source = [
      "def f(items, k):", // 1
      "    if k in items:", // 2
      "        del items[k]", // 3
      "    total = 0", // 4
      "    total += 1", // 5
      "    def g():", // 6
      "        if total > 1:", // 7
      "            yield total", // 8
      "        with open(p) as fh, lock:", // 9
      "            z = fh", // 10
      "    with lock:", // 11
      "        w = k == 1", // 12
      "    return (yield w)", // 13
      "x = 1 if a < b else 2", // 14
      "del x", // 15
    ].join("\n");
    await withModule(source, (mod) => {
      const kinds = ["calls", "returns", "yields", "ifs", "assignments", "augmentedAssignments", "deletes", "withItems", "comparisons"] as const;
      const lines = (scope: Scope) => {
        const facts = factsOf(scope);
        return Object.fromEntries(kinds.map((k) => [k, facts[k].map((f) => `${line(mod, f.node.startIndex)}:${f.node.type}`)]));
      };
      expect(lines(fn(mod, "f").scope)).toEqual({
        calls: [],
        returns: ["13:return_statement"],
        yields: ["13:yield"],
        ifs: ["2:if_statement"],
        assignments: ["4:assignment", "12:assignment"],
        augmentedAssignments: ["5:augmented_assignment"],
        deletes: ["3:delete_statement"],
        withItems: ["11:with_item"],
        comparisons: ["2:comparison_operator", "12:comparison_operator"],
      });
      expect(lines(fn(mod, "g").scope)).toEqual({
        calls: ["9:call"],
        returns: [],
        yields: ["8:yield"],
        ifs: ["7:if_statement"],
        assignments: ["10:assignment"],
        augmentedAssignments: [],
        deletes: [],
        withItems: ["9:with_item", "9:with_item"],
        comparisons: ["7:comparison_operator"],
      });
      // A conditional expression is no `if` statement.
      expect(lines(mod.moduleScope)).toEqual({
        calls: [],
        returns: [],
        yields: [],
        ifs: [],
        assignments: ["14:assignment"],
        augmentedAssignments: [],
        deletes: ["15:delete_statement"],
        withItems: [],
        comparisons: ["14:comparison_operator"],
      });
      // The module-wide lists hold every scope's, in source order.
      expect(mod.withItems.map((f) => line(mod, f.node.startIndex))).toEqual([9, 9, 11]);
      expect(mod.comparisons.map((f) => line(mod, f.node.startIndex))).toEqual([2, 7, 12, 14]);
    });
  });

  it("takes no definitions, imports or global statements from strings and comments", async () => {
    await withModule(SOURCE, (mod) => {
      expect(mod.functions.map((f) => f.name)).toEqual(["outer", "nested", "method", "handler"]);
      expect(mod.classes.map((c) => c.name)).toEqual(["Local"]);
      expect([...mod.imports.keys()]).toEqual(["os"]);
      expect(mod.globals).toEqual([]);
      expect(fn(mod, "handler").isAsync).toBe(true);
      expect(fn(mod, "outer").isAsync).toBe(false);
      expect(fn(mod, "handler").decorators.map((d) => d.text)).toEqual(["decorate(arg())"]);
    });
  });

  it("keeps positions right after non-ASCII text", async () => {
    const src = '"""Grüße, 日本語 🎉"""\nname = "ü" * 3\n\ndef f():\n    return g("é")\n';
    await withModule(src, (mod) => {
      expect(callLines(mod, fn(mod, "f").scope)).toEqual(['5:g("é")']);
      expect(mod.definitions.has("name")).toBe(true);
    });
  });

  it("finds the scopes whose own code holds a word", async () => {
    await withModule(SOURCE, (mod) => {
      const found = scopesMatching(mod, /\b(?:in|inner)_\w+/g).map((s) => (s.kind === "module" ? "module" : (s.fn?.name ?? s.cls?.name ?? s.kind)));
      expect(found).toEqual(["lambda", "lambda", "Local", "method"]);
    });
  });

  it("finds a word in a nested scope right after one in its parent, and after a nested scope's end", async () => {
    // Each match lets the search skip to where that scope's own code next ends: never past a nested body.
    const src = ["def a():", "    t = token", "    def inner():", "        return token", "    return t", "class K:", "    x = 1", "    def m(self):", "        pass", "    y = token", "z = token", ""].join("\n");
    await withModule(src, (mod) => {
      const found = scopesMatching(mod, /\btoken\b/g).map((s) => (s.kind === "module" ? "module" : (s.fn?.name ?? s.cls?.name ?? s.kind)));
      expect(found).toEqual(["module", "a", "inner", "K"]);
    });
  });

  it("reads `# noqa` only from comments", async () => {
    const src = 'x = "# noqa"\ny = 1  # noqa: FAPI001\n';
    await withModule(src, (mod) => {
      expect([...mod.noqa.keys()]).toEqual([2]);
      expect(mod.noqa.get(2)).toEqual(new Set(["FAPI001"]));
    });
  });

  it("reads Bandit's `# nosec` as silencing the security rules it covers", async () => {
    const src = [
      'TOKEN = "123:ABC"  # nosec',
      'PASSWORD = "hunter2"  # nosec B105',
      'KEY = "k-1"  # nosec: B101',
      'SECRET = "s-1"  # noqa: FAPI004  # nosec B106, B324',
      'X = "# nosec"',
      "y = 1  # nosecurity",
      "z = 2  # noqa  # nosec",
      "",
    ].join("\n");
    await withModule(src, (mod) => {
      expect([...mod.noqa.entries()]).toEqual([
        [1, new Set(["FAPI003", "FAPI102"])],
        [2, new Set(["FAPI003"])],
        [4, new Set(["FAPI004", "FAPI003"])],
        [7, null],
      ]);
    });
  });

  it("reads ruff's flake8-async and flake8-bandit codes as the rules they match", async () => {
    const src = [
      "with open(path) as f:  # noqa: ASYNC230",
      'PASSWORD = "hunter2"  # noqa: S105, E501',
      "time.sleep(1)  # noqa: ASYNC100",
      "",
    ].join("\n");
    await withModule(src, (mod) => {
      expect([...mod.noqa.entries()]).toEqual([
        [1, new Set(["ASYNC230", "FAPI101"])],
        [2, new Set(["S105", "E501", "FAPI003"])],
        [3, new Set(["ASYNC100"])],
      ]);
    });
  });
});

describe("routes registered by a call", () => {
  it("are found behind comments full of '#' without backtracking for ever", async () => {
    const noise = `x = f(1)  ${"# ".repeat(60)}\n`.repeat(3);
    const result = await scanFiles({
      "app/main.py": `from fastapi import FastAPI\n\napp = FastAPI()\n${noise}\ndef handler():\n    return {"ok": True}\n\n\napp.get("/x")(handler)\n`,
    });
    expect(places(result)).toEqual(["app/main.py:8 FAPI004"]);
  });
});
