import { createRequire } from "node:module";
import { Language, Parser, type Tree } from "web-tree-sitter";
import { INHERITS_FIELDS, memoryLayout, readTreeFromMemory, readTreeWithCursor, type FlatTree, type MemoryLayout, type TreeLanguage, type WasmMemory } from "./flat-tree.js";

const require = createRequire(import.meta.url);

interface Engine {
  parser: Parser;
  language: Language;
  /** The language as the flat trees name it. */
  treeLanguage: TreeLanguage;
  /** Where the fast reader finds tree-sitter's tables, or null when its self-check failed (the cursor reader is used). */
  layout: MemoryLayout | null;
}

let engine: Promise<Engine> | null = null;

/**
 * The options web-tree-sitter initialises its emscripten module with. Emscripten keeps its views of the WASM
 * memory on that object (`HEAPU8`, replaced whenever the memory grows), which is how the fast tree reader sees the
 * memory without web-tree-sitter exporting it, and web-tree-sitter keeps setting up its memory its own way.
 * web-tree-sitter initialises once per process, so the object is kept process-wide: a second copy of this module
 * (another build loaded next to it) finds the same one.
 */
const MODULE_OPTIONS = Symbol.for("persona-mcp.web-tree-sitter-module");

function moduleOptions(): { HEAPU8?: Uint8Array } {
  const g = globalThis as unknown as { [MODULE_OPTIONS]?: { HEAPU8?: Uint8Array } };
  return (g[MODULE_OPTIONS] ??= {});
}

/** The WASM memory as emscripten's current view of it shows it (empty when web-tree-sitter was set up elsewhere). */
function emscriptenMemory(options: { HEAPU8?: Uint8Array }): WasmMemory {
  return {
    get buffer(): ArrayBuffer {
      return (options.HEAPU8?.buffer as ArrayBuffer | undefined) ?? new ArrayBuffer(0);
    },
  };
}

/**
 * Snippet the fast reader must read exactly as the cursor API does before it is trusted: fields, hidden and
 * aliased nodes, comments (extras), string parts, a syntax error, a missing token, non-ASCII text and CRLF.
 */
const SELF_CHECK = [
  "import os.path as p, sys  # noqa\r\n",
  "from .a import (b as c, d)\n",
  "@app.get('/x', tags=['é'])\n",
  "async def f(x: int = 1, *a, y: str | None = None, **k) -> dict[str, int]:\n",
  "    '''doc 😀'''\n",
  "    global g\n",
  "    v = await g(x)[0].y if x else lambda q: q\n",
  "    match v:\n        case {'k': [1, *r]} if r: pass\n",
  "    return {f'{x!r:>{y}}': [i for i in a if i], **k}\n",
  "class C(B, metaclass=M):\n    type T = list[int]\n",
  "def broken(:\n    print('x'\n",
].join("");

function treeLanguage(language: Language): TreeLanguage {
  const fields = language.fields;
  const fieldIds = new Map<string, number>();
  fields.forEach((name, id) => {
    if (name) fieldIds.set(name, id);
  });
  const namedSymbol = new Uint8Array(65536);
  for (let s = 0; s < language.types.length; s++) namedSymbol[s] = language.nodeTypeIsNamed(s) ? 1 : 0;
  // Type names as property keys make them internalized strings: the rules compare `node.type` with literals
  // millions of times, and internalized strings compare by identity.
  const intern = (name: string | null | undefined): string => (name ? Object.keys({ [name]: 0 })[0]! : "");
  return { types: language.types.map(intern), fields, fieldIds, namedSymbol };
}

function sameTree(a: FlatTree, b: FlatTree): boolean {
  if (a.count !== b.count) return false;
  const pairs = [
    [a.type, b.type],
    [a.flags.map((f) => f & ~INHERITS_FIELDS), b.flags],
    [a.field, b.field],
    [a.start, b.start],
    [a.end, b.end],
    [a.parent, b.parent],
    [a.next, b.next],
  ] as const;
  return pairs.every(([x, y]) => x.every((v, i) => v === y[i]));
}

/**
 * The memory layout the fast reader may use, or null when it reads a probe snippet differently from the cursor API:
 * the memory may not be web-tree-sitter's (set up elsewhere in the process), or another build may lay its tables out
 * otherwise.
 */
export function checkedLayout(memory: WasmMemory, e: Engine): MemoryLayout | null {
  const probe = parsePython(e, SELF_CHECK);
  try {
    const layout = memoryLayout(memory, e.language);
    const fast = readTreeFromMemory(probe, SELF_CHECK, e.treeLanguage, layout);
    return fast && sameTree(fast, readTreeWithCursor(probe, SELF_CHECK, e.treeLanguage)) ? layout : null;
  } catch {
    return null;
  } finally {
    probe.delete();
  }
}

/**
 * Loads web-tree-sitter and the Python grammar on first use only: server start must stay instant, and a
 * client that never calls an analysis tool never pays for the WASM.
 */
export function loadEngine(): Promise<Engine> {
  engine ??= (async () => {
    const options = moduleOptions();
    await Parser.init(options as object);
    const memory = emscriptenMemory(options);
    const language = await Language.load(require.resolve("tree-sitter-python/tree-sitter-python.wasm"));
    const parser = new Parser();
    parser.setLanguage(language);
    const names = treeLanguage(language);
    const e: Engine = { parser, language, treeLanguage: names, layout: null };
    e.layout = checkedLayout(memory, e);
    if (!e.layout) console.error("persona-mcp: cannot read this web-tree-sitter's trees from memory; reading them through its API (slower)");
    return e;
  })();
  engine.catch(() => {
    engine = null;
  });
  return engine;
}

/** Parses one file. The caller owns the tree and must `delete()` it: the WASM heap never shrinks. */
export function parsePython(e: Engine, source: string): Tree {
  const tree = e.parser.parse(source);
  if (!tree) throw new Error("tree-sitter returned no tree");
  return tree;
}

/** Copies a parsed tree into JavaScript arrays (see flat-tree.ts); the WASM tree can be deleted right after. */
export function readTree(e: Engine, tree: Tree, source: string): FlatTree {
  return (e.layout && readTreeFromMemory(tree, source, e.treeLanguage, e.layout)) || readTreeWithCursor(tree, source, e.treeLanguage);
}

export type { Engine };
