import type { SourceFile } from "../files/types.js";
import { MAX_NESTING, nestingBeyond } from "./depth.js";
import type { FlatTree } from "./flat-tree.js";
import { buildModule, type ModuleInfo } from "./module.js";
import { loadEngine, parsePython, readTree } from "./parser.js";
import { ProjectIndex } from "./project-index.js";
import { blankTemplateTags, looksLikeTemplate } from "./template-source.js";

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
  /** Most source characters analysed in one call (MAX_SOURCE_CHARS unless set, e.g. by tests). */
  maxSourceChars?: number;
}

const YIELD_EVERY_MS = 15;

/**
 * Most source characters analysed in one call. Every module's tree stays in memory until the cross-file index is
 * done: as JavaScript arrays (see flat-tree.ts) of about 5 bytes per source character, next to the source itself
 * (measured on polar's server). Past this a call stops early and says so rather than growing without bound.
 */
export const MAX_SOURCE_CHARS = 40 * 1024 * 1024;

/**
 * Parses every Python file once, copies its tree out of WASM and frees the WASM tree at once, whatever happens
 * (the WASM heap never shrinks, so it only ever holds the file being parsed), builds the project index and runs
 * `use` on it. `coverage` says how many files were parsed and, when not all, why.
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
  let chars = 0;
  let lastYield = Date.now();
  for (const file of files) {
    opts.signal?.throwIfAborted();
    if (opts.deadline !== undefined && Date.now() > opts.deadline) {
      truncated = `time budget ran out after analysing ${done} of ${files.length} files`;
      break;
    }
    if (chars + file.content.length > (opts.maxSourceChars ?? MAX_SOURCE_CHARS) && done > 0) {
      truncated = `memory limit: analysed the first ${done} of ${files.length} files (${Math.round(chars / 1048576)} MiB of source); scan a sub-folder for the rest`;
      break;
    }
    chars += file.content.length;
    // Template files (cookiecutter) parse with their Jinja tags blanked, lines and columns unchanged.
    const source = looksLikeTemplate(file.content) ? blankTemplateTags(file.content) : file.content;
    // The analysis reads a copy of the tree in JavaScript arrays: the WASM tree is freed right away.
    const wasmTree = parsePython(engine, source);
    let tree: FlatTree;
    try {
      tree = readTree(engine, wasmTree, source);
    } finally {
      wasmTree.delete();
    }
    let mod: ModuleInfo | null = null;
    const deep = nestingBeyond(tree, MAX_NESTING);
    if (deep) {
      parseErrors.push({
        file: file.path,
        message: `nested more than ${MAX_NESTING} syntax levels deep at line ${deep.row + 1}, column ${deep.column + 1}; the file was not analysed`,
      });
    } else {
      mod = buildModule(file, tree);
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
    // cancellation, progress and other clients' requests get through while a big project is parsed. Only a caller
    // that can cancel or report progress (the MCP server) needs it: a script that yields with nothing else to do
    // can hang Node 20 for good (its platform waits on a background compile job that waits for a GC on the main
    // thread; seen in scripts importing the analysis, never in the server, which always has stdin to read).
    if ((opts.signal || opts.onProgress) && Date.now() - lastYield >= YIELD_EVERY_MS) {
      await new Promise((r) => setImmediate(r));
      lastYield = Date.now();
    }
  }
  opts.signal?.throwIfAborted();
  return await use(new ProjectIndex(modules), parseErrors, { filesParsed: done, truncated });
}
