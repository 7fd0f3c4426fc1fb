import type { SourceFile } from "../files/types.js";
import { MAX_NESTING, nestingBeyond } from "./depth.js";
import { buildModule, type ModuleInfo } from "./module.js";
import { loadEngine, parsePython } from "./parser.js";
import { ProjectIndex } from "./project-index.js";

export interface ParseError {
  file: string;
  message: string;
}

/** How far the analysis got. */
export interface AnalysisCoverage {
  /** Files parsed (those with syntax errors or nested too deeply included): all of them unless truncated. */
  filesParsed: number;
  /** Why some files were not parsed (the deadline passed), null when all were. */
  truncated: string | null;
}

export interface AnalyzeOptions {
  signal?: AbortSignal;
  /** Called after each file is parsed: files done of total. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Date.now() in ms after which no further file is parsed: the files parsed so far are still analysed and the
   * callback is told why the rest were not.
   */
  deadline?: number;
}

const YIELD_EVERY_MS = 15;

/**
 * Parses every Python file once and builds the project index, runs `use` on it, then frees every tree,
 * whatever happens: the WASM heap never shrinks, so a leaked tree is memory lost for the server's life.
 * `coverage` says how many files were parsed and, when not all, why.
 */
export async function withProjectIndex<T>(
  files: SourceFile[],
  opts: AnalyzeOptions,
  use: (index: ProjectIndex, parseErrors: ParseError[], coverage: AnalysisCoverage) => T | Promise<T>,
): Promise<T> {
  const engine = await loadEngine();
  const modules: ModuleInfo[] = [];
  const parseErrors: ParseError[] = [];
  let truncated: string | null = null;
  let done = 0;
  try {
    let lastYield = Date.now();
    for (const file of files) {
      opts.signal?.throwIfAborted();
      if (opts.deadline !== undefined && Date.now() > opts.deadline) {
        truncated = `time budget ran out after analysing ${done} of ${files.length} files`;
        break;
      }
      const tree = parsePython(engine, file.content);
      let mod: ModuleInfo | null = null;
      try {
        const deep = nestingBeyond(tree.rootNode, MAX_NESTING);
        if (deep) {
          parseErrors.push({
            file: file.path,
            message: `nested more than ${MAX_NESTING} syntax levels deep at line ${deep.row + 1}, column ${deep.column + 1}; the file was not analysed`,
          });
        } else {
          mod = buildModule(engine, file, tree);
        }
      } finally {
        if (!mod) tree.delete();
      }
      if (mod) {
        modules.push(mod);
        for (const e of mod.syntaxErrors.slice(0, 1)) {
          const more = mod.syntaxErrors.length > 1 ? ` (and ${mod.syntaxErrors.length - 1} more)` : "";
          parseErrors.push({ file: file.path, message: `syntax error at line ${e.line}, column ${e.column}: ${e.message}${more}; the rest of the file was analysed` });
        }
      }
      done++;
      opts.onProgress?.(done, files.length);
      // Yield to the event loop every few milliseconds (by time: one large file can take 100 ms) so that a
      // cancellation and other clients' requests get through while a big project is parsed.
      if (Date.now() - lastYield >= YIELD_EVERY_MS) {
        await new Promise((r) => setImmediate(r));
        lastYield = Date.now();
      }
    }
    opts.signal?.throwIfAborted();
    return await use(new ProjectIndex(modules), parseErrors, { filesParsed: done, truncated });
  } finally {
    for (const m of modules) m.tree.delete();
  }
}
