import { realpath } from "node:fs/promises";
import { UserError } from "../core/errors.js";
import { packageVersion } from "../server/version.js";
import { runAudit } from "./commands/audit.js";
import { runDelegate } from "./commands/delegate.js";
import { runPersonas } from "./commands/personas.js";
import { runScan } from "./commands/scan.js";
import { runValidate } from "./commands/validate.js";
import type { CliContext } from "./context.js";
import { parseCommandArgs, type Command } from "./options.js";
import type { Terminal } from "./terminal.js";
import { COMMAND_USAGE } from "./usage.js";

const COMMANDS: Record<Command, (ctx: CliContext) => Promise<number>> = {
  scan: runScan,
  audit: runAudit,
  validate: runValidate,
  delegate: runDelegate,
  personas: runPersonas,
};

function isCommand(name: string | undefined): name is Command {
  return name !== undefined && Object.hasOwn(COMMANDS, name);
}

/**
 * Runs a subcommand (`argv` starts with its name) and returns the exit code, as ruff's: 0 nothing found,
 * 1 findings or failing items, 2 a usage or input error, with one short line on stderr saying what to change.
 */
export async function runCli(
  argv: string[],
  term: Terminal = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  const [name, ...rest] = argv;
  if (!isCommand(name)) {
    term.stderr.write(`persona-mcp: unknown command "${name ?? ""}"; commands: ${Object.keys(COMMANDS).join(", ")}\n`);
    return 2;
  }
  const parsed = parseCommandArgs(name, rest, term.env);
  switch (parsed.kind) {
    case "help":
      term.stdout.write(COMMAND_USAGE[parsed.command]);
      return 0;
    case "version":
      term.stdout.write(`${packageVersion()}\n`);
      return 0;
    case "usage-error":
      term.stderr.write(`persona-mcp ${parsed.command}: ${parsed.message}\n`);
      return 2;
    case "run":
      break;
  }
  try {
    const cwd = await realpath(process.cwd());
    return await COMMANDS[name]({ options: parsed.options, term, cwd });
  } catch (err) {
    if (err instanceof UserError) {
      term.stderr.write(`persona-mcp ${name}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
