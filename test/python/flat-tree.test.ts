import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Node, Tree } from "web-tree-sitter";
import { describe, expect, it } from "vitest";
import { INHERITS_FIELDS, readTreeFromMemory, readTreeWithCursor, SyntaxNode, type FlatTree } from "../../src/python/flat-tree.js";
import { checkedLayout, loadEngine, parsePython, readTree } from "../../src/python/parser.js";

const here = path.dirname(fileURLToPath(import.meta.url));

function pythonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...pythonFiles(p));
    else if (e.name.endsWith(".py")) out.push(p);
  }
  return out.sort();
}

/** Every Python fixture of the test suite: real-shaped code of every construct the rules read. */
const FIXTURES = pythonFiles(path.join(here, "../fixtures")).map((f) => ({ name: path.relative(here, f), source: readFileSync(f, "utf8") }));

/** Shapes the fixtures may lack: broken code, missing tokens, extras everywhere, non-ASCII text, CRLF. */
const SNIPPETS: Record<string, string> = {
  empty: "",
  "only a comment": "# nothing here",
  crlf: "import os\r\nif os:\r\n    x = 1  # c\r\n\r\nelse:\r\n    y = 2\r\n",
  "astral characters": "s = '😀😀'; t = f'{s!r} 🐍 {s:>{10}}'\nu = 'é' + \"\"\"\n😀\"\"\"\n",
  "unterminated call": "def f(:\n    print('x'\nclass C(\n",
  "stray tokens": "x = = 1\n)]}\nreturn from import\n@@\n",
  "missing colon": "if x\n    y = 1\nwhile True\n    pass\n",
  "python 2 print": "print 'hello'\nexec 'code'\n",
  "tabs and continuation": "x = 1 + \\\n\t2\nif (a and\n\t\tb): pass\n",
  "match and type aliases": "type A[T] = list[T]\nmatch p:\n    case Point(x=0, y=0) | [1, *_] if p: pass\n    case {'k': v, **rest}: pass\n",
  decorators: "@a\n@b.c(d=1)\n@(lambda f: f)\nasync def g(*, k: int = 2, **kw) -> None: ...\n",
  "comments between children": "f(\n    a,  # one\n    # two\n    b=1,\n)\nclass C(  # base\n    B,\n): pass\n",
  "nested functions and lambdas": "def f(x=lambda: 1):\n    def g():\n        return [lambda y=x: y for x in range(3)]\n    return g\n",
  "strings of every kind": "a = rb'\\x00' b'x' u'y' r'\\d' f'{a}' '''m\n''' \"s\" 'c' 'd'\n",
};

const SOURCES = [...FIXTURES, ...Object.entries(SNIPPETS).map(([name, source]) => ({ name, source }))];

async function withTree<T>(source: string, use: (tree: Tree) => T): Promise<T> {
  const engine = await loadEngine();
  const tree = parsePython(engine, source);
  try {
    return use(tree);
  } finally {
    tree.delete();
  }
}

/** The tree's nodes in pre-order, as web-tree-sitter's cursor visits them. */
function apiNodes(tree: Tree): Node[] {
  const out: Node[] = [];
  const cursor = tree.walk();
  try {
    for (;;) {
      out.push(cursor.currentNode);
      if (cursor.gotoFirstChild()) continue;
      for (;;) {
        if (cursor.gotoNextSibling()) break;
        if (!cursor.gotoParent()) return out;
      }
    }
  } finally {
    cursor.delete();
  }
}

function nodeAt(tree: FlatTree, i: number): SyntaxNode {
  return new SyntaxNode(tree, i);
}

describe("reading trees out of WASM memory", () => {
  it("is what the engine uses with the installed web-tree-sitter (its self-check passes)", async () => {
    const engine = await loadEngine();
    expect(engine.layout).not.toBeNull();
  });

  it("is refused when the memory it is given is not the one the trees live in", async () => {
    const engine = await loadEngine();
    const { WebAssembly } = globalThis as unknown as { WebAssembly: { Memory: new (l: { initial: number }) => { buffer: ArrayBuffer } } };
    expect(checkedLayout(new WebAssembly.Memory({ initial: 1 }), engine)).toBeNull();
  });

  it.each(SOURCES.map((s) => [s.name, s.source]))("reads %s exactly as the cursor API does", async (_name, source) => {
    const engine = await loadEngine();
    await withTree(source, (tree) => {
      const fast = readTreeFromMemory(tree, source, engine.treeLanguage, engine.layout!)!;
      const slow = readTreeWithCursor(tree, source, engine.treeLanguage);
      expect(fast).not.toBeNull();
      expect(fast.count).toBe(slow.count);
      for (const key of ["type", "field", "start", "end", "parent", "next"] as const) expect([...fast[key]], key).toEqual([...slow[key]]);
      // Which nodes inherit fields only the memory reader knows.
      expect([...fast.flags].map((f) => f & ~INHERITS_FIELDS)).toEqual([...slow.flags]);
    });
  });
});

describe("SyntaxNode", () => {
  it.each(SOURCES.map((s) => [s.name, s.source]))("answers as web-tree-sitter's Node on every node of %s", async (_name, source) => {
    const engine = await loadEngine();
    const fields = engine.language.fields.filter((f): f is string => !!f);
    await withTree(source, (tree) => {
      const api = apiNodes(tree);
      const flat = readTree(engine, tree, source);
      expect(flat.count).toBe(api.length);
      // Pre-order positions identify nodes on both sides.
      const order = new Map(api.map((n, i) => [n.id, i]));
      const at = (n: Node | null) => (n ? order.get(n.id) : null);
      const mine = (n: SyntaxNode | null) => (n ? n.index : null);
      for (let i = 0; i < api.length; i++) {
        const a = api[i]!;
        const f = nodeAt(flat, i);
        const where = `node ${i} (${a.type} at ${a.startPosition.row}:${a.startPosition.column})`;
        expect(
          {
            type: f.type,
            text: f.text,
            startIndex: f.startIndex,
            endIndex: f.endIndex,
            startPosition: f.startPosition,
            endPosition: f.endPosition,
            isNamed: f.isNamed,
            isMissing: f.isMissing,
            isError: f.isError,
            isExtra: f.isExtra,
            hasError: f.hasError,
            parent: mine(f.parent),
            children: f.children.map(mine),
            namedChildren: f.namedChildren.map(mine),
            namedChildCount: f.namedChildCount,
            firstChild: mine(f.firstChild),
            namedChild0: mine(f.namedChild(0)),
            fields: fields.map((name) => mine(f.childForFieldName(name))),
            fieldLists: fields.map((name) => f.childrenForFieldName(name).map(mine)),
          },
          where,
        ).toEqual({
          type: a.type,
          text: a.text,
          startIndex: a.startIndex,
          endIndex: a.endIndex,
          startPosition: a.startPosition,
          endPosition: a.endPosition,
          isNamed: a.isNamed,
          isMissing: a.isMissing,
          isError: a.isError,
          isExtra: a.isExtra,
          hasError: a.hasError,
          parent: at(a.parent),
          children: a.children.map(at),
          namedChildren: a.namedChildren.map(at),
          namedChildCount: a.namedChildCount,
          firstChild: at(a.firstChild),
          namedChild0: at(a.namedChild(0)),
          fields: fields.map((name) => at(a.childForFieldName(name))),
          fieldLists: fields.map((name) => a.childrenForFieldName(name).map(at)),
        });
      }
      // The node at each position of the text, as the skeleton asks for it.
      for (let k = 0; k < source.length; k += 7) {
        expect(flat.rootNode.descendantForIndex(k, k + 3).index, `descendantForIndex(${k})`).toBe(at(tree.rootNode.descendantForIndex(k, k + 3)));
      }
    });
  });

  it("gives every node of every tree its own id", async () => {
    const engine = await loadEngine();
    const ids = new Set<number>();
    let nodes = 0;
    for (const source of ["x = 1\n", "x = 1\n", "def f(): pass\n"]) {
      await withTree(source, (tree) => {
        const flat = readTree(engine, tree, source);
        for (let i = 0; i < flat.count; i++) ids.add(nodeAt(flat, i).id);
        nodes += flat.count;
        // A node read twice is the same node.
        expect(nodeAt(flat, 3).id).toBe(nodeAt(flat, 3).id);
      });
    }
    expect(nodes).toBeGreaterThan(15);
    expect(ids.size).toBe(nodes);
  });
});
