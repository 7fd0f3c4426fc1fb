import type { Command } from "./options.js";

const COMMON = `  --persona NAME     persona whose rules apply (default fastapi-pro; see persona-mcp personas)
  --personas DIR     an extra folder of persona .md files (repeatable; also PERSONA_MCP_PERSONAS)
  -h, --help         print this help and exit
  -v, --version      print the version and exit`;

const EXIT = `Exit codes: 0 nothing found, 1 findings (or failing items), 2 usage or input error.`;

export const COMMAND_USAGE: Record<Command, string> = {
  scan: `Usage: persona-mcp scan [options] [path]...

Finds the persona's anti-patterns (FAPI001-FAPI005, FAPI101, FAPI102) in Python files and folders
(default: the working directory) and prints them as path:line:col: CODE message.

Options:
  --format FORMAT    text (default), json or sarif (SARIF 2.1.0 for GitHub code scanning)
  --select CODES     only these rule codes or prefixes, comma-separated (repeatable), e.g. FAPI0,FAPI101
  --ignore CODES     leave these rule codes or prefixes out, comma-separated (repeatable)
  --max-findings N   report at most N findings (all are still counted)
  --exit-zero        exit 0 even when there are findings
  --no-config        do not read [tool.persona-mcp] from pyproject.toml
${COMMON}

Configuration: [tool.persona-mcp] in the nearest pyproject.toml (select, ignore, exclude,
per-file-ignores, max-findings); a flag replaces the key of the same name.
${EXIT}
`,
  audit: `Usage: persona-mcp audit [options] [path]

Audits a project folder (default: the working directory) against the persona's checklist (C01..C10):
pass, fail or not applicable for each item, with evidence and the fix.

Options:
  --format FORMAT    text (default) or json
  --exit-zero        exit 0 even when items fail
  --no-config        do not read [tool.persona-mcp] from pyproject.toml (its exclude globs)
${COMMON}

Exit codes: 0 every item passes or is not applicable, 1 an item fails, 2 usage or input error.
`,
  validate: `Usage: persona-mcp validate [options] <file>...

Runs the persona's pre-response checks (Async, Validation, Database, Docs, Testing) on the given files,
as a model should before answering with that code. "-" reads one file from standard input.

Options:
  --format FORMAT    text (default) or json
  --exit-zero        exit 0 even when a check fails
${COMMON}

Exit codes: 0 every check passes or is not applicable, 1 a check fails, 2 usage or input error.
`,
  delegate: `Usage: persona-mcp delegate [options] <task>...

Says whether the persona handles a task itself or which specialist from its delegation table should,
with the words that decided. The words after the options form the task.

Options:
  --format FORMAT    text (default) or json
${COMMON}

Exit codes: 0 answered, 2 usage or input error.
`,
  personas: `Usage: persona-mcp personas [options]

Lists the personas: the bundled ones and those of --personas folders.

Options:
  --format FORMAT    text (default) or json
  --personas DIR     an extra folder of persona .md files (repeatable; also PERSONA_MCP_PERSONAS)
  -h, --help         print this help and exit
  -v, --version      print the version and exit
`,
};
