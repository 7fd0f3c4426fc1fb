import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { bundledPersonasDir, loadPersonas } from "../persona/load.js";
import { PersonaRegistry, type Logger, type ServerContext } from "./context.js";
import { registerPrompts } from "./prompts.js";
import { registerResources } from "./resources.js";
import { RootsTracker } from "./roots.js";
import { registerTools } from "./tools/index.js";
import { packageVersion } from "./version.js";

/** No persona could be loaded: the server has nothing to offer, so the bin exits 2 with this message. */
export class NoLoadablePersonaError extends Error {
  override readonly name = "NoLoadablePersonaError";
}

export interface CreateServerOptions {
  /** Extra persona folders, loaded after the bundled one (on a name clash the first loaded wins). */
  personaDirs: string[];
  /** `--root` folders; when given they win over the client's roots. */
  flagRoots: string[];
  cwd: string;
  /** Load the bundled personas/ folder (default true; false with `--no-bundled`). */
  bundled?: boolean;
  /** Where logs go; stderr by default. Never stdout: it carries JSON-RPC. */
  log?: Logger;
}

export const SERVER_INSTRUCTIONS = `persona-mcp serves expert personas (FastAPI Pro: async APIs, Pydantic V2, SQLAlchemy 2.0 async) and tools that apply them to Python/FastAPI code.
- Prompt named after each persona (e.g. "fastapi-pro", optional "task"): load the expert's guidance into the conversation.
- Resource persona://{name}: the persona file as markdown.
- list_personas: which personas exist and what they cover; call it when unsure which persona fits.
- get_persona: one persona's checklist, anti-patterns, delegation table, validation checks and principles as data.
- scan_anti_patterns: find the persona's anti-patterns (sync DB calls in async routes, returning dicts, global state, ...) in a file, folder or snippet, with file:line and the fix; call it when reviewing or writing FastAPI code.
- audit_checklist: pass/fail/not-applicable for each persona checklist item (C01..C10) over a whole project, with evidence; call it for "is this project production-ready?".
- validate_response: check code you are about to propose against the persona's five pre-response checks (Async, Validation, Database, Docs, Testing); call it before answering with FastAPI code.
- lookup_delegation: given a task description, say whether this persona handles it or which specialist should; call it before taking on work at the edge of the persona's scope.
File paths are confined to the allowed roots (--root, else the client's workspace roots, else the working directory); inline code and files always work.`;

const stderrLogger: Logger = (level, msg) => {
  process.stderr.write(`persona-mcp [${level}]: ${msg}\n`);
};

/**
 * Loads the personas and builds the MCP server with every tool, prompt and resource registered; the caller
 * connects a transport. Throws NoLoadablePersonaError when no persona loads, and the access-policy error
 * when a `--root` folder is unusable, so a bad start fails loudly instead of serving nothing.
 */
export async function createServer(
  opts: CreateServerOptions,
): Promise<{ server: McpServer; context: ServerContext }> {
  const log = opts.log ?? stderrLogger;
  const dirs = [...(opts.bundled === false ? [] : [bundledPersonasDir()]), ...opts.personaDirs];
  const { personas, errors } = await loadPersonas(dirs);
  for (const error of errors) {
    // The loader's messages usually lead with the file and section already; add them where they do not.
    const text = error.message.includes(error.file)
      ? error.message
      : `${error.file}: section "${error.section}": ${error.message}`;
    log("error", `cannot load persona: ${text}`);
  }
  if (personas.length === 0) {
    const where = dirs.length > 0 ? dirs.join(", ") : "(no folder: --no-bundled without --personas)";
    const why =
      errors.length === 0
        ? "no persona .md files found"
        : `${errors.length} problem${errors.length === 1 ? "" : "s"} reported above`;
    throw new NoLoadablePersonaError(`no loadable persona in ${where}: ${why}`);
  }

  const registry = new PersonaRegistry(personas);
  const roots = new RootsTracker({ flagRoots: opts.flagRoots, cwd: opts.cwd, log });
  const context: ServerContext = {
    personas: registry,
    getPolicy: () => roots.getPolicy(),
    log,
  };
  if (opts.flagRoots.length > 0) await context.getPolicy();

  const server = new McpServer(
    { name: "persona-mcp", title: "Persona MCP", version: packageVersion() },
    { instructions: SERVER_INSTRUCTIONS },
  );
  roots.attach(server.server);
  registerTools(server, context);
  registerPrompts(server, context);
  registerResources(server, context);
  return { server, context };
}
