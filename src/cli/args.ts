import path from "node:path";

/** What the bin should do when started without a subcommand. */
export type ServerArgs =
  | {
      kind: "serve";
      /** Folders the tools may read: `PERSONA_MCP_ROOTS` entries first, then each `--root`. */
      roots: string[];
      /** Extra persona folders: `PERSONA_MCP_PERSONAS` entries first, then each `--personas`. */
      personaDirs: string[];
      /** False with `--no-bundled`: serve only the personas of `--personas` folders. */
      bundled: boolean;
    }
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "usage-error"; message: string };

export const SERVER_USAGE = `Usage: persona-mcp [options]
       persona-mcp <scan|audit|validate|delegate|personas> ... (see persona-mcp <command> --help)

Runs an MCP server on stdin/stdout that serves expert personas (FastAPI Pro bundled) as prompts,
resources and code-reading tools. Start it from an MCP client (Claude Desktop, VS Code, Cursor,
Claude Code); see the README for configuration.

Options:
  --root DIR       a folder the tools may read (repeatable); without it the client's
                   workspace roots are used, else the working directory
  --personas DIR   an extra folder of persona .md files (repeatable)
  --no-bundled     do not load the bundled personas (serve only --personas folders)
  -h, --help       print this help and exit
  -v, --version    print the version and exit

Environment:
  PERSONA_MCP_ROOTS      folders as with --root, separated by "${path.delimiter}"
  PERSONA_MCP_PERSONAS   folders as with --personas, separated by "${path.delimiter}"
  (flags add to what the environment gives)
`;

function splitEnvList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(path.delimiter)
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}

/**
 * Parses the server's options. Never throws and never exits: the bin decides what a usage error does,
 * so this stays testable without a process.
 */
export function parseServerArgs(argv: string[], env: NodeJS.ProcessEnv): ServerArgs {
  const roots = splitEnvList(env["PERSONA_MCP_ROOTS"]);
  const personaDirs = splitEnvList(env["PERSONA_MCP_PERSONAS"]);
  let bundled = true;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "-h" || arg === "--help") return { kind: "help" };
    if (arg === "-v" || arg === "--version") return { kind: "version" };
    if (arg === "--no-bundled") {
      bundled = false;
      continue;
    }

    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    if (name === "--root" || name === "--personas") {
      let value: string | undefined;
      if (eq > 0 && name !== arg) {
        value = arg.slice(eq + 1);
      } else {
        value = argv[i + 1];
        // A following option is almost certainly a forgotten value, not a folder named "--root".
        if (value !== undefined && value.startsWith("-")) value = undefined;
        else i++;
      }
      if (value === undefined || value.trim() === "") {
        return { kind: "usage-error", message: `${name} needs a folder, e.g. ${name} ./my-project` };
      }
      (name === "--root" ? roots : personaDirs).push(value);
      continue;
    }

    if (arg.startsWith("-")) {
      return { kind: "usage-error", message: `unknown option ${name}; run persona-mcp --help for the options` };
    }
    return {
      kind: "usage-error",
      message:
        `unexpected argument "${arg}"; the server takes only options ` +
        `(subcommands: scan, audit, validate, delegate, personas)`,
    };
  }

  return { kind: "serve", roots, personaDirs, bundled };
}
