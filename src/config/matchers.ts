import path from "node:path";
import ignore, { type Ignore } from "ignore";
import { UserError } from "../core/errors.js";
import { isWithin } from "../files/roots.js";
import { CONFIG_TABLE, type ProjectConfig } from "./project-config.js";

/** The configuration's globs, applied to paths relative to a scanned folder. */
export interface ConfigMatchers {
  /** Whether `exclude` leaves the file out. */
  isExcluded(rel: string): boolean;
  /** The codes `per-file-ignores` silences in the file (empty when none). */
  ignoredCodes(rel: string): readonly string[];
}

function compile(globs: readonly string[], file: string, key: string): Ignore {
  try {
    return ignore().add([...globs]);
  } catch (err) {
    throw new UserError(`${file}: ${CONFIG_TABLE} ${key}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Globs are written relative to the pyproject.toml's folder, while the scan reports paths relative to the folder
 * it was given (which may lie below it): each path is re-rooted at the configuration's folder before matching,
 * with gitignore semantics (`tests/` any folder named tests, `/app/*.py` anchored, `**` any depth).
 */
export function configMatchers(config: ProjectConfig, scannedRoot: string): ConfigMatchers {
  if (!isWithin(config.dir, scannedRoot)) {
    throw new Error(`configuration ${config.file} does not cover ${scannedRoot}`);
  }
  const prefix = path.relative(config.dir, scannedRoot).split(path.sep).join("/");
  const rebase = (rel: string): string => (prefix === "" ? rel : `${prefix}/${rel}`);
  const exclude = config.exclude && config.exclude.length > 0 ? compile(config.exclude, config.file, "exclude") : null;
  const perFile = Object.entries(config.perFileIgnores ?? {}).map(([glob, codes]) => ({
    matcher: compile([glob], config.file, `per-file-ignores "${glob}"`),
    codes,
  }));
  return {
    isExcluded: (rel) => exclude !== null && exclude.ignores(rebase(rel)),
    ignoredCodes: (rel) => {
      const target = rebase(rel);
      return perFile.filter((p) => p.matcher.ignores(target)).flatMap((p) => p.codes);
    },
  };
}
