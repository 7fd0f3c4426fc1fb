import type { Arg, Copy, Dockerfile, From, Instruction } from "dockerfile-ast";

/** One build stage of a Dockerfile, as dockerfile-ast reads it. */
export interface Stage {
  index: number;
  /** `AS name`, lower-cased as Docker compares stage names; null when unnamed. */
  name: string | null;
  /** The `FROM` image (`python:3.12-slim`, or an earlier stage's name), global `ARG` defaults substituted. */
  image: string;
  /** The `FROM` image as written, when it differs (`${SERVER_TYPE}`). */
  written: string | null;
  /** 1-based line of the `FROM`. */
  line: number;
  /** The earlier stage this one is built `FROM`, if any. */
  parent: Stage | null;
  instructions: Instruction[];
  /** `COPY --from=<earlier stage>`, with the line of each. */
  copiesFrom: { stage: Stage; line: number; sources: string[] }[];
}

export function instructionLine(i: Instruction): number {
  return i.getRange().start.line + 1;
}

/** Splits a parsed Dockerfile into stages and links `FROM <stage>` and `COPY --from=<stage|index>`. */
export function stagesOf(df: Dockerfile): Stage[] {
  const stages: Stage[] = [];
  const byName = new Map<string, Stage>();
  // ARGs declared before the first FROM are the ones a FROM line may use (`ARG TARGET=app` ... `FROM ${TARGET}`).
  const globalArgs = new Map<string, string>();
  let current: Stage | null = null;
  for (const ins of df.getInstructions()) {
    const keyword = ins.getKeyword().toUpperCase();
    if (keyword === "FROM") {
      const from = ins as From;
      const written = from.getImage() ?? "";
      const image = substituteArgs(written, globalArgs);
      const name = from.getBuildStage()?.toLowerCase() ?? null;
      current = {
        index: stages.length,
        name,
        image,
        written: image === written ? null : written,
        line: instructionLine(ins),
        parent: byName.get(image.toLowerCase()) ?? null,
        instructions: [],
        copiesFrom: [],
      };
      stages.push(current);
      if (name) byName.set(name, current);
      continue;
    }
    if (!current) {
      const property = keyword === "ARG" ? (ins as Arg).getProperty() : null;
      const value = property?.getValue();
      if (property && value !== null && value !== undefined) globalArgs.set(property.getName(), value);
      continue;
    }
    current.instructions.push(ins);
    if (keyword === "COPY") {
      const ref = fromFlag(ins as Copy)?.toLowerCase();
      if (!ref) continue;
      const source = byName.get(ref) ?? (/^\d+$/.test(ref) ? stages[Number(ref)] : undefined);
      // The last argument is the destination; flags are not arguments.
      const sources = ins.getArguments().slice(0, -1).map((a) => a.getValue());
      if (source && source !== current) current.copiesFrom.push({ stage: source, line: instructionLine(ins), sources });
    }
  }
  return stages;
}

/**
 * The stage or image a `COPY --from=` reads. dockerfile-ast's `getFromFlag()` answers only when `--from` is the
 * sole flag, and `COPY --from=builder --chown=app:app /app/.venv /app/.venv` is the common form: read the flags.
 */
export function fromFlag(copy: Copy): string | null {
  const flag = copy.getFlags().find((f) => f.getName().toLowerCase() === "from");
  return flag?.getValue() ?? null;
}

/** `${NAME}`, `${NAME:-default}` and `$NAME` in a FROM line, from the global ARG defaults; unknown names stay. */
function substituteArgs(text: string, args: Map<string, string>): string {
  return text.replace(/\$\{(\w+)(?::?-([^}]*))?\}|\$(\w+)/g, (whole, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
    const value = args.get((braced ?? bare)!);
    if (value !== undefined && value !== "") return value;
    return fallback ?? whole;
  });
}

/** The stage and the stages it is built FROM, nearest first. */
export function lineage(stage: Stage): Stage[] {
  const out: Stage[] = [];
  for (let s: Stage | null = stage; s && !out.includes(s); s = s.parent) out.push(s);
  return out;
}

/** The external image a stage ultimately starts from. */
export function baseImage(stage: Stage): string {
  const chain = lineage(stage);
  return chain[chain.length - 1]!.image;
}

function argumentsOf(stage: Stage, keywords: string[]): { text: string; line: number }[] {
  return stage.instructions
    .filter((i) => keywords.includes(i.getKeyword().toUpperCase()))
    .map((i) => ({ text: i.getArgumentsContent() ?? "", line: instructionLine(i) }));
}

// Shell command lines inside RUN/CMD are free text, not Dockerfile syntax: matching the tool names is the test.
const PYTHON_INSTALL = /\b(pip3?|uv pip|poetry|pdm|pipenv)\s+(install|sync|wheel)\b|\buv\s+(sync|export|venv)\b|\bpython3?(\.\d+)?\s+-m\s+(pip|venv)\b|\bvirtualenv\b/;
const PYTHON_RUN = /\b(uvicorn|gunicorn|hypercorn|granian|fastapi|python3?(\.\d+)?|uv run|daphne)\b/;
const PYTHON_IMAGE = /(^|\/)(python|pypy)[\w.-]*(:|@|$)|astral-sh\/uv|distroless\/python|tiangolo\/(uvicorn|uwsgi|meinheld)-/;
/** Server images whose own `CMD` starts the app (`tiangolo/uvicorn-gunicorn-fastapi`): the Dockerfile needs none. */
const PYTHON_SERVER_IMAGE = /tiangolo\/(uvicorn-gunicorn|uwsgi-nginx|meinheld-gunicorn)/;

/** Whether a stage starts from an image that runs the Python server by itself. */
export function isPythonServerImage(image: string): boolean {
  return PYTHON_SERVER_IMAGE.test(image.toLowerCase());
}

/** A `RUN` that installs Python packages, with its line. */
export function pythonInstall(stage: Stage): { text: string; line: number } | null {
  return argumentsOf(stage, ["RUN"]).find((r) => PYTHON_INSTALL.test(r.text)) ?? null;
}

/** The part of a `RUN` line that installs Python packages (`pip install /tmp/*.whl`), up to the next `&&` or `;`. */
export function installExcerpt(text: string): string {
  const flat = text.replace(/\\\n/g, " ").replace(/\s+/g, " ");
  const m = PYTHON_INSTALL.exec(flat);
  const from = m ? flat.slice(m.index) : flat;
  const cut = from.split(/\s*(?:&&|;|\|\|)\s*/)[0] ?? from;
  return cut.length > 80 ? `${cut.slice(0, 77)}...` : cut;
}

export function pythonCommand(stage: Stage): { text: string; line: number } | null {
  return argumentsOf(stage, ["CMD", "ENTRYPOINT"]).find((r) => PYTHON_RUN.test(r.text)) ?? null;
}

export function isPythonImage(image: string): boolean {
  return PYTHON_IMAGE.test(image.toLowerCase());
}

/** A stage that builds Python: it (or a stage it is built FROM) installs Python packages, or starts from a Python image. */
export function buildsPython(stage: Stage): boolean {
  return lineage(stage).some((s) => pythonInstall(s) !== null) || isPythonImage(baseImage(stage));
}

/** The last `USER` in effect for a stage (its own, else inherited through `FROM <stage>`). */
export function effectiveUser(stage: Stage): { user: string; line: number } | null {
  for (const s of lineage(stage)) {
    const users = argumentsOf(s, ["USER"]);
    const last = users[users.length - 1];
    if (last) return { user: last.text.trim(), line: last.line };
  }
  return null;
}

export function isRootUser(user: string): boolean {
  return /^(root|0)(:.*)?$/.test(user.trim());
}

/** A slim final base: `-slim`, alpine, distroless, Chainguard/Wolfi, `scratch`. */
export function isSlimImage(image: string): boolean {
  return /slim|alpine|distroless|chainguard|wolfi|minimal|^scratch$/i.test(image);
}
