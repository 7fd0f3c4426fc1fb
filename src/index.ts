#!/usr/bin/env node
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseServerArgs, SERVER_USAGE } from "./cli/args.js";
import { UserError } from "./core/errors.js";
import { createServer, NoLoadablePersonaError } from "./server/create-server.js";
import { LenientStdioTransport } from "./server/stdio-transport.js";
import { packageVersion } from "./server/version.js";

const SUBCOMMANDS = new Set(["scan", "audit", "validate", "delegate", "personas"]);

const TTY_HINT =
  "persona-mcp is an MCP server speaking JSON-RPC on stdin/stdout: configure it in an MCP client " +
  "(Claude Desktop, VS Code, Cursor, Claude Code; see the README) rather than typing here. " +
  "persona-mcp --help lists the options. Waiting for a client on stdin...\n";

function fail(message: string): number {
  process.stderr.write(`persona-mcp: ${message}\n`);
  return 2;
}

async function runSubcommand(argv: string[]): Promise<number> {
  // Resolved at run time so the server ships and type-checks before the CLI exists.
  const mainUrl = new URL("./cli/main.js", import.meta.url);
  if (!existsSync(fileURLToPath(mainUrl))) {
    return fail(`subcommands arrive in a later version; "${argv[0]}" is not available yet`);
  }
  const cli = (await import(mainUrl.href)) as { runCli(argv: string[]): Promise<number> };
  return cli.runCli(argv);
}

/** Returns an exit code, or null once the server is running (it then lives as long as stdin is open). */
async function main(argv: string[]): Promise<number | null> {
  if (argv[0] !== undefined && SUBCOMMANDS.has(argv[0])) return runSubcommand(argv);

  const args = parseServerArgs(argv, process.env);
  switch (args.kind) {
    case "help":
      process.stdout.write(SERVER_USAGE);
      return 0;
    case "version":
      process.stdout.write(`${packageVersion()}\n`);
      return 0;
    case "usage-error":
      return fail(args.message);
    case "serve":
      break;
  }

  // From here stdout belongs to JSON-RPC: a stray console.log (ours or a dependency's) would corrupt the stream.
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;

  if (process.stdin.isTTY) process.stderr.write(TTY_HINT);

  const cwd = process.cwd();
  try {
    const { server } = await createServer({
      personaDirs: args.personaDirs.map((dir) => path.resolve(cwd, dir)),
      flagRoots: args.roots,
      cwd,
      bundled: args.bundled,
    });
    // Not the SDK's StdioServerTransport: it exits on a message over 10 MB and ignores malformed lines silently.
    await server.connect(new LenientStdioTransport());
    return null;
  } catch (err) {
    if (err instanceof NoLoadablePersonaError || err instanceof UserError) return fail(err.message);
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== null) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`persona-mcp: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
