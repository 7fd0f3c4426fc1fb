import type { SyntaxNode as Node } from "../python/flat-tree.js";
import type { ClassInfo, ModuleInfo } from "../python/module.js";
import type { ProjectIndex } from "../python/project-index.js";
import { callArguments, isSampleDataPath, isTrue, stringLiteral, unparen } from "../python/syntax.js";
import { isMainGuarded, isScriptModule } from "../rules/fapi001-scopes.js";
import { isAppCode } from "./app-code.js";
import { at, count, itemResult, listed } from "./evidence.js";
import { runsUnderAlembic } from "./project-facts.js";
import type { ParsedLoggingConfig } from "./config-files.js";
import type { IniFile } from "./ini.js";
import type { AuditContext, ChecklistItemResult, Evidence } from "./types.js";

const STRUCTLOG_CONFIGURE = new Set(["structlog.configure", "structlog.configure_once"]);
const STRUCTLOG_RENDERERS = new Set([
  "structlog.processors.JSONRenderer",
  "structlog.processors.LogfmtRenderer",
  "structlog.processors.KeyValueRenderer",
]);
/** JSON formatters for the standard library's logging, by qualified name. */
const JSON_FORMATTER = /^(pythonjsonlogger|json_log_formatter|ecs_logging)\.(.+\.)?\w*Formatter$/;
const JSON_DUMPS = new Set(["json.dumps", "orjson.dumps", "ujson.dumps", "simplejson.dumps", "rapidjson.dumps"]);
const LOGGING_FORMATTER = new Set(["logging.Formatter"]);
const DICT_CONFIG = new Set(["logging.config.dictConfig"]);

/**
 * C09 "Structured Logging": one of `structlog.configure` (or `configure_once`) with a JSON, logfmt or key-value
 * renderer; a python-json-logger `JsonFormatter` (also json-log-formatter's and ecs-logging's) in code, in a
 * `dictConfig` dict, or in a logging config file (YAML, JSON, INI); loguru's `logger.add(..., serialize=True)`; a
 * `logging.Formatter` subclass whose `format` serialises JSON. Evidence lists `print(` calls in non-test code, leaving
 * out command-line scripts (FAPI001's test), `if __name__ == "__main__":` blocks, Alembic's `env.py`, and docs,
 * migrations and sample data: a terminal is where their output belongs.
 * Decisions: the structlog renderer may be created anywhere in the project (projects pick it per environment);
 * a config file names its formatter with `()` or `class`, and a project class named there must itself qualify.
 * Not applicable without an app.
 */
export function checkC09(ctx: Pick<AuditContext, "facts" | "persona" | "configs">): ChecklistItemResult {
  const { facts, configs } = ctx;
  if (!facts.hasApp) return itemResult(ctx, "C09", "not_applicable", [{ note: "no `FastAPI(...)` app found outside test and docs code" }], null);
  const index = facts.index;
  const found: Evidence[] = [];

  const configure = facts.callsTo(STRUCTLOG_CONFIGURE)[0];
  const renderer = facts.callsTo(STRUCTLOG_RENDERERS)[0];
  if (configure && renderer) {
    found.push(at(configure.module, configure.call, "`structlog.configure(...)`"));
    found.push(at(renderer.module, renderer.call, `renders with \`${renderer.q!.slice(renderer.q!.lastIndexOf(".") + 1)}\``));
  }
  for (const c of facts.calls) {
    if (c.q && JSON_FORMATTER.test(c.q)) found.push(at(c.module, c.call, `JSON formatter \`${c.call.childForFieldName("function")?.text}(...)\``));
    else if (c.method === "add" && index.qualify(c.module, c.call.childForFieldName("function")?.childForFieldName("object") ?? null) === "loguru.logger") {
      if (isTrue(callArguments(c.call).keywords.get("serialize"))) found.push(at(c.module, c.call, "loguru `logger.add(..., serialize=True)`"));
    } else if (c.q && DICT_CONFIG.has(c.q)) {
      const name = jsonFormatterInDict(index, c.module, callArguments(c.call).positional[0] ?? null);
      if (name) found.push(at(c.module, c.call, `\`dictConfig\` with the JSON formatter \`${name}\``));
    }
  }
  const formatterClasses = jsonFormatterClasses(index);
  for (const cls of formatterClasses) found.push(at(cls.module, cls.node, `\`${cls.name}\` formats log records as JSON`));
  for (const config of configs.loggingConfigs) {
    const name = jsonFormatterInConfig(index, config);
    if (name) found.push({ file: config.file.path, note: `logging config with the JSON formatter \`${name}\`` });
  }

  // A command-line script, Alembic's env.py, a docs or sample-data file, or a `__main__` block talks to a terminal:
  // print is right there.
  const prints = facts.calls
    .filter((c) => c.q === "builtins.print" && !isSampleDataPath(c.module.file.path) && !runsUnderAlembic(c.module) && !isScriptModule(index, c.module) && !isMainGuarded(c.call))
    .map((c) => at(c.module, c.call, "`print(...)`"));
  const evidence: Evidence[] = found.length > 0 ? found.slice(0, 5) : [{ note: "no structured (JSON or key-value) log output configured" }];
  if (prints.length > 0) evidence.push(...listed(`${count(prints.length, "`print(` call")} in the app's code bypass logging`, prints, "print calls"));
  return itemResult(ctx, "C09", found.length > 0 ? "pass" : "fail", evidence, {
    quotes: [{ item: "C09" }],
    nextStep:
      "configure `structlog.configure(processors=[..., structlog.processors.JSONRenderer()])`, or give the root handler " +
      "python-json-logger's `JsonFormatter`, so each log line is one JSON object; replace `print(` with logger calls.",
  });
}

/** Alembic's `env.py`, which runs under the `alembic` command. */

/** Project classes that are JSON formatters: a `logging.Formatter` subclass whose `format` dumps JSON, or a subclass of a JSON formatter. */
function jsonFormatterClasses(index: ProjectIndex): ClassInfo[] {
  const out: ClassInfo[] = [];
  for (const mod of index.modules) {
    if (!isAppCode(mod)) continue;
    for (const cls of mod.classes) if (isJsonFormatterClass(index, cls, 0)) out.push(cls);
  }
  return out;
}

function isJsonFormatterClass(index: ProjectIndex, cls: ClassInfo, depth: number): boolean {
  if (depth > 5) return false;
  let formatter = false;
  for (const base of cls.bases) {
    const q = index.qualify(cls.module, base) ?? "";
    if (JSON_FORMATTER.test(q)) return true;
    const parent = index.classFor(cls.module, base);
    if (parent && isJsonFormatterClass(index, parent, depth + 1)) return true;
    if (LOGGING_FORMATTER.has(q) || (parent && isFormatter(index, parent, depth + 1))) formatter = true;
  }
  if (!formatter) return false;
  const format = index.methodOf(cls, "format");
  if (!format) return false;
  return cls.module.calls.some((fact) => {
    for (let s: typeof fact.scope | null = fact.scope; s; s = s.parent) {
      if (s === format.scope) return JSON_DUMPS.has(index.qualify(cls.module, fact.node.childForFieldName("function")) ?? "");
    }
    return false;
  });
}

function isFormatter(index: ProjectIndex, cls: ClassInfo, depth: number): boolean {
  if (depth > 5) return false;
  return cls.bases.some((b) => {
    if (LOGGING_FORMATTER.has(index.qualify(cls.module, b) ?? "")) return true;
    const parent = index.classFor(cls.module, b);
    return !!parent && isFormatter(index, parent, depth + 1);
  });
}

/** A formatter named by dotted path in a config: a known JSON formatter, or a project class that is one. */
function isJsonFormatterName(index: ProjectIndex, dotted: string): boolean {
  const name = dotted.replace(/^ext:\/\//, "");
  if (JSON_FORMATTER.test(name)) return true;
  const r = index.resolveSymbol(name);
  return r?.def.kind === "class" && isJsonFormatterClass(index, r.def.cls, 0);
}

function jsonFormatterInConfig(index: ProjectIndex, config: ParsedLoggingConfig): string | null {
  if (config.format === "ini") {
    const ini = config.data as IniFile;
    for (const [section, entries] of ini.sections) {
      if (!section.startsWith("formatter_")) continue;
      const cls = entries.get("class")?.value;
      if (cls && isJsonFormatterName(index, cls)) return cls;
    }
    return null;
  }
  const formatters = (config.data as { formatters?: unknown } | null)?.formatters;
  if (!formatters || typeof formatters !== "object") return null;
  for (const spec of Object.values(formatters as Record<string, unknown>)) {
    if (!spec || typeof spec !== "object") continue;
    for (const key of ["()", "class"]) {
      const v = (spec as Record<string, unknown>)[key];
      if (typeof v === "string" && isJsonFormatterName(index, v)) return v;
    }
  }
  return null;
}

/** A JSON formatter named in a `dictConfig` dict literal (or the module-level dict a name is bound to). */
function jsonFormatterInDict(index: ProjectIndex, mod: ModuleInfo, arg: Node | null): string | null {
  if (!arg) return null;
  let value: Node = unparen(arg);
  let where = mod;
  if (value.type === "identifier" || value.type === "attribute") {
    const r = index.resolve(mod, value);
    if (r?.def.kind !== "value") return null;
    value = unparen(r.def.value);
    where = r.module;
  }
  if (value.type !== "dictionary") return null;
  const pending: Node[] = [value];
  while (pending.length > 0) {
    const n = pending.pop()!;
    if (n.type === "string") {
      const lit = stringLiteral(n);
      if (lit && isJsonFormatterName(index, lit.value)) return lit.value;
      continue;
    }
    if (n.type === "identifier" || n.type === "attribute") {
      // `"()": JsonFormatter` names the class itself.
      const q = index.qualify(where, n);
      const cls = index.classFor(where, n);
      if ((q && JSON_FORMATTER.test(q)) || (cls && isJsonFormatterClass(index, cls, 0))) return n.text;
      if (n.type === "attribute") continue;
    }
    for (const child of n.namedChildren) if (child) pending.push(child);
  }
  return null;
}
