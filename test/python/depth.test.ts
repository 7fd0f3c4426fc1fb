import fc from "fast-check";
import type { Tree } from "web-tree-sitter";
import { describe, expect, it } from "vitest";
import { nestingBeyond } from "../../src/python/depth.js";
import type { FlatTree } from "../../src/python/flat-tree.js";
import { loadEngine, parsePython, readTree } from "../../src/python/parser.js";
import { dottedName } from "../../src/python/syntax.js";

/** The exact depth of the deepest node, by a full cursor walk: what nestingBeyond must agree with. */
function maxDepth(tree: Tree): number {
  const cursor = tree.walk();
  let depth = 0;
  let max = 0;
  try {
    for (;;) {
      if (cursor.gotoFirstChild()) {
        max = Math.max(max, ++depth);
        continue;
      }
      for (;;) {
        if (depth === 0) return max;
        if (cursor.gotoNextSibling()) break;
        cursor.gotoParent();
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}

/** The tree of a source as the analysis reads it. */
async function withTree<T>(source: string, use: (tree: FlatTree) => T): Promise<T> {
  const engine = await loadEngine();
  const tree = parsePython(engine, source);
  try {
    return use(readTree(engine, tree, source));
  } finally {
    tree.delete();
  }
}

/** Openers and their closers that nest expressions: the densest ways to build depth per character. */
const NESTERS: [string, string][] = [
  ["(", ")"],
  ["[", "]"],
  ["{", "}"],
  ["f(", ")"],
  ["~", ""],
  ["-", ""],
  ["not ", ""],
  ["await ", ""],
  ["lambda: ", ""],
  ["[*", "]"],
  ["{**", "}"],
  ["f(*", ")"],
  ["f(a=", ")"],
  ["a[", "]"],
  ["f'{", "}'"],
  ["x if y else ", ""],
  ["a + ", ""],
  ["a.b(", ")"],
  ["(", ",)"],
];

const nested = fc
  .array(fc.tuple(fc.constantFrom(...NESTERS), fc.integer({ min: 1, max: 40 })), { minLength: 1, maxLength: 8 })
  .chain((parts) =>
    fc.tuple(fc.constant(parts), fc.boolean(), fc.nat({ max: 3 })).map(([ps, closeAll, dropClosers]) => {
      const open = ps.map(([[o], n]) => o.repeat(n)).join("");
      const close = ps
        .map(([[, c], n]) => c.repeat(n))
        .reverse()
        .join("");
      // Unbalanced variants exercise the parser's error recovery, whose trees must obey the same bound.
      return `x = ${open}1${closeAll ? close : close.slice(dropClosers)}\n`;
    }),
  );

describe("nestingBeyond", () => {
  it("agrees with a full walk on generated nesting, balanced or not, at every limit", async () => {
    const engine = await loadEngine();
    fc.assert(
      fc.property(nested, fc.integer({ min: 0, max: 300 }), (source, limit) => {
        const tree = parsePython(engine, source);
        try {
          const exact = maxDepth(tree);
          const found = nestingBeyond(readTree(engine, tree, source), limit);
          expect(found !== null).toBe(exact > limit);
        } finally {
          tree.delete();
        }
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it("points at the first node past the limit", async () => {
    // module > expression_statement > call > argument_list > call ...: the innermost call on line 3.
    const at = await withTree("x = 1\nf(\n f(\n  g(1)))\n", (tree) => nestingBeyond(tree, 6));
    expect(at).toEqual({ row: 3, column: 2 });
    expect(await withTree("x = 1\nf(\n f(\n  g(1)))\n", (tree) => nestingBeyond(tree, 9))).toBeNull();
  });

  it("finds 200,000 nested calls in well under a second", async () => {
    const source = `x = ${"f(".repeat(200_000)}1${")".repeat(200_000)}\n`;
    const started = Date.now();
    const at = await withTree(source, (tree) => nestingBeyond(tree));
    expect(at).not.toBeNull();
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe("dottedName", () => {
  it("names an attribute chain longer than the JS stack is deep", async () => {
    const name = await withTree(`x = a${".b".repeat(100_000)}\n`, (tree) =>
      dottedName(tree.rootNode.namedChild(0)!.namedChild(0)!.childForFieldName("right")),
    );
    expect(name).toBe(`a${".b".repeat(100_000)}`);
  });

  it("is null for chains that do not start at a name", async () => {
    const name = await withTree("x = f().b.c\n", (tree) =>
      dottedName(tree.rootNode.namedChild(0)!.namedChild(0)!.childForFieldName("right")),
    );
    expect(name).toBeNull();
  });
});
