import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../core/errors.js";
import { createAccessPolicy, isWithin, type AccessPolicy } from "../files/roots.js";
import { bundledPersonasDir, loadPersonas } from "../persona/load.js";
import { PersonaRegistry } from "../server/context.js";
import type { CommandOptions } from "./options.js";
import type { Terminal } from "./terminal.js";

/** What every subcommand gets: its options, the terminal, and the working directory as a real path. */
export interface CliContext {
  options: CommandOptions;
  term: Terminal;
  /** Real path of the working directory: reported paths are relative to it. */
  cwd: string;
}

/** The repository a folder belongs to (nearest ancestor holding `.git`), else the folder itself. */
async function projectTop(dir: string): Promise<string> {
  for (let d = dir; ; d = path.dirname(d)) {
    if (await stat(path.join(d, ".git")).then(() => true, () => false)) return d;
    if (path.dirname(d) === d) return dir;
  }
}

/**
 * The folders a command may read. A command-line user may read whatever they name, so the roots are the
 * repository around the working directory (or the working directory itself outside one) plus, for each path
 * outside it, that path's repository or folder. The configuration search goes up to these roots, so a scan of a
 * sub-folder still finds the project's pyproject.toml, as ruff's does.
 */
export async function cliPolicy(paths: string[], cwd: string): Promise<AccessPolicy> {
  const roots = [await projectTop(cwd)];
  for (const given of paths) {
    const real = await realpath(path.resolve(cwd, given)).catch(() => {
      throw new UserError(`${given} does not exist`);
    });
    if (roots.some((root) => isWithin(root, real))) continue;
    const info = await stat(real);
    roots.push(await projectTop(info.isDirectory() ? real : path.dirname(real)));
  }
  return createAccessPolicy({ flagRoots: roots, cwd });
}

/** A path under a scanned root, as the user should see it: relative to the working directory, `/` separators. */
export function displayPath(cwd: string, root: string | null, rel: string): string {
  if (root === null) return rel;
  const shown = path.relative(cwd, path.join(root, rel));
  return shown.split(path.sep).join("/");
}

/** The bundled personas and any `--personas` folders; load problems are warnings, no persona at all is an error. */
export async function loadCliPersonas(ctx: CliContext): Promise<PersonaRegistry> {
  const dirs = [bundledPersonasDir(), ...ctx.options.personaDirs.map((d) => path.resolve(ctx.cwd, d))];
  const { personas, errors } = await loadPersonas(dirs);
  for (const error of errors) {
    const text = error.message.includes(error.file) ? error.message : `${error.file}: ${error.message}`;
    ctx.term.stderr.write(`persona-mcp: warning: cannot load persona: ${text}\n`);
  }
  if (personas.length === 0) throw new UserError(`no loadable persona in ${dirs.join(", ")}`);
  return new PersonaRegistry(personas);
}

export function writeJson(ctx: CliContext, value: unknown): void {
  ctx.term.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
