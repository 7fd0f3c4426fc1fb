import { createRequire } from "node:module";
import { Language, Parser, Query, type Tree } from "web-tree-sitter";

const require = createRequire(import.meta.url);

interface Engine {
  parser: Parser;
  language: Language;
  queries: Map<string, Query>;
}

let engine: Promise<Engine> | null = null;

/**
 * Loads web-tree-sitter and the Python grammar on first use only: server start must stay instant, and a
 * client that never calls an analysis tool never pays for the WASM.
 */
export function loadEngine(): Promise<Engine> {
  engine ??= (async () => {
    await Parser.init();
    const language = await Language.load(require.resolve("tree-sitter-python/tree-sitter-python.wasm"));
    const parser = new Parser();
    parser.setLanguage(language);
    return { parser, language, queries: new Map() };
  })();
  engine.catch(() => {
    engine = null;
  });
  return engine;
}

/** A query compiled once per process and reused for every file. */
export function compiledQuery(e: Engine, source: string): Query {
  let q = e.queries.get(source);
  if (!q) {
    q = new Query(e.language, source);
    e.queries.set(source, q);
  }
  return q;
}

/** Parses one file. The caller owns the tree and must `delete()` it: the WASM heap never shrinks. */
export function parsePython(e: Engine, source: string): Tree {
  const tree = e.parser.parse(source);
  if (!tree) throw new Error("tree-sitter returned no tree");
  return tree;
}

export type { Engine };
