import type { SyntaxNode as Node } from "../python/flat-tree.js";
import { type ClassInfo, factsOf, type ModuleInfo, type Scope } from "../python/module.js";
import type { ProjectIndex } from "../python/project-index.js";
import { argument, callArguments, stringLiteral, unparen } from "../python/syntax.js";
import type { Rule, RuleHit } from "./types.js";
import { envRead } from "./fapi003-secrets.js";

const CORS_CLASSES = new Set(["fastapi.middleware.cors.CORSMiddleware", "starlette.middleware.cors.CORSMiddleware"]);
const MIDDLEWARE_CLASSES = new Set(["fastapi.middleware.Middleware", "starlette.middleware.Middleware"]);
const MAX_DEPTH = 8;

export const fapi102: Rule = {
  code: "FAPI102",
  name: "cors-wildcard-credentials",
  antiPattern: "Security",
  source: "principle",
  severity: "error",
  message:
    'CORSMiddleware allows every origin ("*" or a match-all regex) together with allow_credentials=True: any website can make credentialed requests to this API and read the responses',
  fix: 'List the trusted origins explicitly (`allow_origins=["https://app.example.com"]`, read from settings per environment), or keep the wildcard and drop `allow_credentials=True` for a public API that uses no cookies or HTTP auth.',
  docs: {
    what:
      "Flags `add_middleware(CORSMiddleware, ...)` on any object, `Middleware(CORSMiddleware, ...)` (also inside " +
      "`FastAPI(middleware=[...])` or `Starlette(middleware=[...])`) and a direct `CORSMiddleware(app, ...)` wrap when " +
      '`allow_origins` contains `"*"` (a list, tuple or set literal, a bare `"*"`, or a name bound to one: a local of the ' +
      "same function, or a module-level name here or in another project module, as imported) or `allow_origin_regex` " +
      'matches every origin (`.*`, `.+`, `^.*$`, also after an `https?://` prefix), together with `allow_credentials=True` ' +
      "(the literal, or a name bound to it). `CORSMiddleware` is resolved through imports, from `fastapi.middleware.cors` or " +
      "`starlette.middleware.cors`, including re-exports through project modules. Decisions: the value a deployment sets " +
      "is unknown, so what counts is the default that runs wherever nothing is set: an environment read whose literal " +
      "fallback is `\"*\"` (`os.environ.get(\"CORS_ORIGINS\", \"*\").split(\",\")`, also inside a list), and the default of a " +
      "project settings class field read through an instance (`settings.CORS_ORIGINS` with `CORS_ORIGINS: list[str] = [\"*\"]`, " +
      "`Field([\"*\"])`, `Field(default_factory=lambda: [\"*\"])`, from base classes too; `settings` built in that module, " +
      "imported, or returned by an annotated `get_settings()`); a field with no default or a non-wildcard one is not a finding; " +
      'a conditional (`["*"] if DEBUG else [...]`) and concatenations are not followed; options ' +
      "passed only through `**kwargs` are unknown, so they never make a finding. A wildcard without credentials is not a finding. " +
      "Test code (`tests/`, `test_*.py`, `conftest.py`...) is not checked: the apps it builds answer a test client, never a browser. " +
      "A line a bare Bandit `# nosec` marks is suppressed like `# noqa: FAPI102`. " +
      "Reported on the line where the call starts.",
    why:
      'The CORS specification forbids `Access-Control-Allow-Origin: *` with credentials, so Starlette does not send "*": ' +
      "with `allow_credentials=True` it echoes back whatever origin asked. Any site a logged-in user visits can then send " +
      "requests carrying the user's cookies or HTTP auth to the API and read the responses, which is the cross-site " +
      "request forgery and data theft that CORS exists to prevent.",
    example:
      "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\n" +
      'app.add_middleware(\n    CORSMiddleware,\n    allow_origins=["*"],\n    allow_credentials=True,\n' +
      '    allow_methods=["*"],\n    allow_headers=["*"],\n)',
    instead:
      "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\n" +
      'app.add_middleware(\n    CORSMiddleware,\n    allow_origins=["https://app.example.com"],\n' +
      '    allow_credentials=True,\n    allow_methods=["*"],\n    allow_headers=["*"],\n)',
  },
  check({ index }) {
    const hits: RuleHit[] = [];
    for (const mod of index.modules) {
      // A CORS registration names the class somewhere in its module (import, alias or attribute path).
      // Test code builds apps for a test client, never for a browser (`conftest.py` fixtures).
      if (mod.isTest || !/cors/i.test(mod.file.content)) continue;
      for (const fact of mod.calls) {
        const options = corsOptions(index, mod, fact.node);
        if (!options) continue;
        const at = fact.node.startIndex;
        const wildcard = wildcardOrigins(index, mod, fact.scope, options.get("allow_origins") ?? null, at) ||
          matchAllRegex(index, mod, fact.scope, options.get("allow_origin_regex") ?? null, at);
        if (wildcard && isTrueValue(index, mod, fact.scope, options.get("allow_credentials") ?? null, at)) {
          hits.push({ module: mod, node: fact.node });
        }
      }
    }
    return hits;
  },
};

/** The keyword options of a CORS registration call, or null when the call registers no CORSMiddleware. */
function corsOptions(index: ProjectIndex, mod: ModuleInfo, call: Node): Map<string, Node> | null {
  const callee = call.childForFieldName("function");
  if (!callee) return null;
  const args = callArguments(call);
  if (callee.type === "attribute" && callee.childForFieldName("attribute")?.text === "add_middleware") {
    return isCors(index, mod, argument(args, 0, "middleware_class")) ? args.keywords : null;
  }
  const q = canonical(index, mod, callee);
  if (q && MIDDLEWARE_CLASSES.has(q)) return isCors(index, mod, argument(args, 0, "cls")) ? args.keywords : null;
  // `app = CORSMiddleware(app, ...)`: the middleware wrapped around the ASGI app by hand.
  if (isCors(index, mod, callee)) return args.keywords;
  return null;
}

function isCors(index: ProjectIndex, mod: ModuleInfo, node: Node | null): boolean {
  if (!node) return false;
  const q = canonical(index, mod, node);
  // A snippet may use the name without its import; a project class named so is not Starlette's.
  return q ? CORS_CLASSES.has(q) : unparen(node).text === "CORSMiddleware";
}

/** The qualified name, followed through project modules that re-export it (`from .cors import CORSMiddleware`). */
function canonical(index: ProjectIndex, mod: ModuleInfo, node: Node): string | null {
  const q = index.qualify(mod, node);
  return q && index.canonical(q, mod);
}

/** The value a name stands for: the last binding in the call's scope before it, else the module-level definition. */
function valueOf(index: ProjectIndex, mod: ModuleInfo, scope: Scope, node: Node, before: number, depth: number): { mod: ModuleInfo; scope: Scope; value: Node } | null {
  if (depth > MAX_DEPTH) return null;
  const n = unparen(node);
  if (n.type === "identifier" && scope.kind !== "module") {
    const found = index.localBinding(scope, n.text, before);
    if (found) return { mod, scope, value: found };
    if (scope.fn?.params.some((p) => p.name === n.text)) return null;
  }
  if (n.type === "identifier" || n.type === "attribute") {
    const r = index.resolve(mod, n);
    if (r?.def.kind === "value") return { mod: r.module, scope: r.module.moduleScope, value: r.def.value };
    // `settings.CORS_ORIGINS`: the field's default in the project settings class (what runs when the
    // environment does not set it, as with an `os.getenv` fallback).
    if (n.type === "attribute") {
      const attr = n.childForFieldName("attribute")?.text;
      const cls = attr ? index.instanceOf(mod, scope, n.childForFieldName("object")) : null;
      return cls && attr ? fieldDefault(index, cls, attr, depth) : null;
    }
    return null;
  }
  return { mod, scope, value: n };
}

/**
 * The default a class gives a field: `CORS_ORIGINS: list[str] = ["*"]`, `Field(["*"])`, `Field(default="*")`,
 * `Field(default_factory=lambda: ["*"])`, looked up in project base classes too. Null without a default.
 */
function fieldDefault(index: ProjectIndex, cls: ClassInfo, attr: string, depth: number): { mod: ModuleInfo; scope: Scope; value: Node } | null {
  if (depth > MAX_DEPTH) return null;
  let value: Node | null = null;
  for (const fact of factsOf(cls.scope).assignments) {
    const left = fact.node.childForFieldName("left");
    if (left?.type === "identifier" && left.text === attr) value = fact.node.childForFieldName("right");
  }
  if (value) {
    const v = unparen(value);
    const callee = v.type === "call" ? v.childForFieldName("function") : null;
    if (callee && /(^|\.)Field$/.test(index.qualify(cls.module, callee) ?? "")) {
      const args = callArguments(v);
      const factory = args.keywords.get("default_factory");
      const lambdaBody = factory && unparen(factory).type === "lambda" ? unparen(factory).childForFieldName("body") : null;
      const given = argument(args, 0, "default") ?? lambdaBody;
      return given ? { mod: cls.module, scope: cls.scope, value: given } : null;
    }
    return { mod: cls.module, scope: cls.scope, value };
  }
  for (const base of cls.bases) {
    const parent = index.classFor(cls.module, base);
    const found = parent && parent !== cls ? fieldDefault(index, parent, attr, depth + 1) : null;
    if (found) return found;
  }
  return null;
}

function follow(index: ProjectIndex, mod: ModuleInfo, scope: Scope, node: Node | null, before: number): { mod: ModuleInfo; value: Node } | null {
  let cur: { mod: ModuleInfo; scope: Scope; value: Node } | null = node ? { mod, scope, value: node } : null;
  for (let depth = 0; cur && depth < MAX_DEPTH; depth++) {
    const v = unparen(cur.value);
    if (v.type !== "identifier" && v.type !== "attribute") return { mod: cur.mod, value: v };
    cur = valueOf(index, cur.mod, cur.scope, v, depth === 0 ? before : Number.MAX_SAFE_INTEGER, depth);
  }
  return null;
}

function wildcardOrigins(index: ProjectIndex, mod: ModuleInfo, scope: Scope, node: Node | null, before: number): boolean {
  const v = follow(index, mod, scope, node, before);
  if (!v) return false;
  if (stringLiteral(v.value)?.value === "*" || wildcardEnvDefault(index, v.mod, v.value)) return true;
  if (v.value.type !== "list" && v.value.type !== "tuple" && v.value.type !== "set") return false;
  return v.value.namedChildren.some((c) => {
    if (!c) return false;
    if (stringLiteral(c)?.value === "*") return true;
    // `[ORIGIN_ALL, ...]` with `ORIGIN_ALL = "*"` at module level.
    const inner = c.type === "identifier" || c.type === "attribute" ? follow(index, v.mod, v.mod.moduleScope, c, Number.MAX_SAFE_INTEGER) : null;
    return !!inner && (stringLiteral(inner.value)?.value === "*" || wildcardEnvDefault(index, inner.mod, inner.value));
  });
}

/**
 * `os.getenv("ORIGINS", "*")`, optionally split into a list (`.split(",")`): the wildcard is the default, the
 * value every deployment that does not set the variable runs with.
 */
function wildcardEnvDefault(index: ProjectIndex, mod: ModuleInfo, value: Node): boolean {
  let n = unparen(value);
  if (n.type !== "call") return false;
  const callee = n.childForFieldName("function");
  if (callee?.type === "attribute" && /^(split|strip|rsplit)$/.test(callee.childForFieldName("attribute")?.text ?? "")) {
    const object = callee.childForFieldName("object");
    if (!object || unparen(object).type !== "call") return false;
    n = unparen(object);
  }
  const env = envRead(index, mod, n);
  if (!env?.fallback) return false;
  return /^\s*\*\s*$/.test(stringLiteral(env.fallback)?.value ?? "");
}

/** Regexes that admit every origin: `.*`, `^.*$`, `.+`, `(.*)`, and the same after an `https?://` prefix. */
function matchAllRegex(index: ProjectIndex, mod: ModuleInfo, scope: Scope, node: Node | null, before: number): boolean {
  const v = follow(index, mod, scope, node, before);
  const lit = v ? stringLiteral(v.value) : null;
  if (!lit || lit.interpolated) return false;
  const body = lit.value
    .replace(/\\\//g, "/")
    .replace(/^\^/, "")
    .replace(/\$$/, "")
    .replace(/^(?:https\?|https|http|\(https\?\)|\(http\|https\)|\(https\|http\)):\/\//, "");
  return /^(?:\.\*|\.\+|\(\.\*\)|\(\.\+\))\??$/.test(body);
}

function isTrueValue(index: ProjectIndex, mod: ModuleInfo, scope: Scope, node: Node | null, before: number): boolean {
  const v = follow(index, mod, scope, node, before);
  return !!v && v.value.type === "true";
}
