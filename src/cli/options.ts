import path from "node:path";
import { parseArgs } from "node:util";

export type Command = "scan" | "audit" | "validate" | "delegate" | "personas";
export type Format = "text" | "json" | "sarif";

/** What a subcommand was asked to do, parsed and checked; flags not given are undefined so configuration shows through. */
export interface CommandOptions {
  command: Command;
  positionals: string[];
  format: Format;
  persona: string;
  /** Extra persona folders: `PERSONA_MCP_PERSONAS` entries first, then each `--personas`. */
  personaDirs: string[];
  select?: string[];
  ignore?: string[];
  maxFindings?: number;
  /** Exit 0 even when something was found, as ruff's and flake8's `--exit-zero` (for uploading reports in CI). */
  exitZero: boolean;
  /** Do not read `[tool.persona-mcp]` from pyproject.toml (ruff calls it `--isolated`). */
  noConfig: boolean;
}

export type ParsedCommand =
  | { kind: "run"; options: CommandOptions }
  | { kind: "help"; command: Command }
  | { kind: "version" }
  | { kind: "usage-error"; command: Command; message: string };

export const DEFAULT_PERSONA = "fastapi-pro";

/** The options each subcommand takes; any other is a usage error, so a misplaced flag never passes silently. */
const ALLOWED: Record<Command, readonly string[]> = {
  scan: ["format", "persona", "personas", "select", "ignore", "max-findings", "exit-zero", "no-config"],
  audit: ["format", "persona", "personas", "exit-zero", "no-config"],
  validate: ["format", "persona", "personas", "exit-zero"],
  delegate: ["format", "persona", "personas"],
  personas: ["format", "personas"],
};

const FORMATS: Record<Command, readonly Format[]> = {
  scan: ["text", "json", "sarif"],
  audit: ["text", "json"],
  validate: ["text", "json"],
  delegate: ["text", "json"],
  personas: ["text", "json"],
};

const SPEC = {
  format: { type: "string" },
  persona: { type: "string" },
  personas: { type: "string", multiple: true },
  select: { type: "string", multiple: true },
  ignore: { type: "string", multiple: true },
  "max-findings": { type: "string" },
  "exit-zero": { type: "boolean" },
  "no-config": { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} as const;

/** `--select A,B --select C` -> [A, B, C]; empty items (a trailing comma) are dropped. */
function splitCodes(values: string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  return values
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

function splitEnvList(value: string | undefined): string[] {
  return (value ?? "")
    .split(path.delimiter)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
}

/** node:util's messages name options with quotes and long advice; a linter user expects one short line. */
function usageMessage(err: unknown, command: Command): string {
  const code = (err as NodeJS.ErrnoException).code;
  const message = err instanceof Error ? err.message : String(err);
  const name = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? "";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    return `unknown option ${name} for "${command}"; run persona-mcp ${command} --help for its options`;
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    return SPEC[name.replace(/^-+/, "") as keyof typeof SPEC]?.type === "boolean"
      ? `${name} takes no value`
      : `${name} needs a value`;
  }
  return message;
}

/** Parses a subcommand's arguments (argv without the command name). Never throws: usage errors are values. */
export function parseCommandArgs(command: Command, argv: string[], env: NodeJS.ProcessEnv): ParsedCommand {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof SPEC; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: SPEC, allowPositionals: true, strict: true });
  } catch (err) {
    return { kind: "usage-error", command, message: usageMessage(err, command) };
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: "help", command };
  if (values.version) return { kind: "version" };

  const fail = (message: string): ParsedCommand => ({ kind: "usage-error", command, message });
  for (const key of Object.keys(values)) {
    if (!ALLOWED[command].includes(key)) {
      return fail(`--${key} does not apply to "${command}"; run persona-mcp ${command} --help for its options`);
    }
  }

  const format = (values.format ?? "text") as Format;
  if (!FORMATS[command].includes(format)) {
    return fail(`--format must be one of ${FORMATS[command].join(", ")} for "${command}", got "${values.format}"`);
  }
  let maxFindings: number | undefined;
  if (values["max-findings"] !== undefined) {
    const raw = values["max-findings"];
    maxFindings = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(maxFindings) || maxFindings < 1) {
      return fail(`--max-findings needs a positive whole number, got "${raw}"`);
    }
  }
  const persona = values.persona ?? DEFAULT_PERSONA;
  if (persona.trim() === "") return fail(`--persona needs a name, e.g. --persona ${DEFAULT_PERSONA}`);

  switch (command) {
    case "validate":
      if (positionals.length === 0) return fail(`give the files to check, e.g. persona-mcp validate app/main.py (or - for stdin)`);
      break;
    case "delegate":
      if (positionals.length === 0) return fail(`give the task in words, e.g. persona-mcp delegate "add a paginated orders endpoint"`);
      break;
    case "audit":
      if (positionals.length > 1) return fail(`audit takes one project folder, got ${positionals.length}`);
      break;
    case "personas":
      if (positionals.length > 0) return fail(`personas takes no arguments, got "${positionals[0]}"`);
      break;
    case "scan":
      break;
  }

  const select = splitCodes(values.select);
  const ignore = splitCodes(values.ignore);
  return {
    kind: "run",
    options: {
      command,
      positionals,
      format,
      persona,
      personaDirs: [...splitEnvList(env["PERSONA_MCP_PERSONAS"]), ...(values.personas ?? [])],
      ...(select ? { select } : {}),
      ...(ignore ? { ignore } : {}),
      ...(maxFindings !== undefined ? { maxFindings } : {}),
      exitZero: values["exit-zero"] ?? false,
      noConfig: values["no-config"] ?? false,
    },
  };
}
