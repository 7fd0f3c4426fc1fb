import type { SourceFile } from "../files/types.js";
import { buildModule, type ModuleInfo } from "./module.js";
import { loadEngine, parsePython } from "./parser.js";
import { ProjectIndex } from "./project-index.js";

export interface ParseError {
  file: string;
  message: string;
}

export interface AnalyzeOptions {
  signal?: AbortSignal;
  /** Called after each file is parsed: files done of total. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Parses every Python file once and builds the project index, runs `use` on it, then frees every tree,
 * whatever happens: the WASM heap never shrinks, so a leaked tree is memory lost for the server's life.
 */
export async function withProjectIndex<T>(
  files: SourceFile[],
  opts: AnalyzeOptions,
  use: (index: ProjectIndex, parseErrors: ParseError[]) => T | Promise<T>,
): Promise<T> {
  const engine = await loadEngine();
  const modules: ModuleInfo[] = [];
  const parseErrors: ParseError[] = [];
  try {
    let done = 0;
    for (const file of files) {
      opts.signal?.throwIfAborted();
      const tree = parsePython(engine, file.content);
      let mod: ModuleInfo;
      try {
        mod = buildModule(engine, file, tree);
      } catch (err) {
        tree.delete();
        throw err;
      }
      modules.push(mod);
      for (const e of mod.syntaxErrors.slice(0, 1)) {
        const more = mod.syntaxErrors.length > 1 ? ` (and ${mod.syntaxErrors.length - 1} more)` : "";
        parseErrors.push({ file: file.path, message: `syntax error at line ${e.line}, column ${e.column}: ${e.message}${more}; the rest of the file was analysed` });
      }
      done++;
      opts.onProgress?.(done, files.length);
      // Yield to the event loop now and then so cancellation and other requests get through.
      if (done % 64 === 0) await new Promise((r) => setImmediate(r));
    }
    opts.signal?.throwIfAborted();
    return await use(new ProjectIndex(modules), parseErrors);
  } finally {
    for (const m of modules) m.tree.delete();
  }
}
