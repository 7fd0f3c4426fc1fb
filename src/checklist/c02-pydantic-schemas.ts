import { MAPPING_OR_ANY_TYPES } from "../python/names.js";
import type { SyntaxNode as Node } from "../python/flat-tree.js";
import type { FunctionInfo, ModuleInfo, ParamInfo } from "../python/module.js";
import type { ProjectIndex, RouteInfo } from "../python/project-index.js";
import { genericParts, isNone, unparen, unwrapType } from "../python/syntax.js";
import { isNoContentStatus, isResponseClassName, ownScopeReturnValues } from "../rules/helpers.js";
import { at, count, isAre, itemResult, listed } from "./evidence.js";
import type { ProjectFacts } from "./project-facts.js";
import type { AuditContext, ChecklistItemResult, Evidence } from "./types.js";

/** Types that let anything through: a parameter or response typed so is not validated by a schema. */
const UNTYPED: ReadonlySet<string> = new Set([...MAPPING_OR_ANY_TYPES, "builtins.object"]);
const SEQUENCES = new Set(["builtins.list", "typing.List", "typing.Sequence", "collections.abc.Sequence"]);
/** Parameters FastAPI fills from the request itself, never from the body. */
const NON_BODY_TYPES = /(^|\.)(Request|WebSocket|HTTPConnection|Response|BackgroundTasks|SecurityScopes)$/;
const NON_BODY_MARKERS = /(^|\.)(Query|Path|Header|Cookie|Form|File|UploadFile)$/;
const JSON_RESPONSES = /json/i;

/**
 * C02 "Pydantic Schemas for Request/Response": every body parameter is a model (not `dict`, `Any` or a raw
 * `await request.json()`), and every HTTP route declares its response with `response_model=` or a return
 * annotation, except 204 routes, routes that return a `Response`, routes with a non-JSON
 * `response_class` (on the route, or the `default_response_class` of its router or app).
 * Routes left out of the schema (`include_in_schema=False`) are held to the same rule, as RULES.md lists its
 * exceptions and FAPI004 fires on them too: a hidden route still serves clients, unvalidated.
 * Decisions: a scalar or container return annotation (`-> list[str]`, `-> int`, `-> dict[str, int]`) counts as
 * declared, since FastAPI validates and documents it, and so does an explicit `-> None` (an empty body, e.g. a 202
 * webhook); a bare `dict`, `dict[str, Any]`, `Any` or `object` does not; a project Pydantic model named
 * `...Response` is a model, not a `Response` class.
 */
export function checkC02(ctx: Pick<AuditContext, "facts" | "persona">): ChecklistItemResult {
  const routes = ctx.facts.httpRoutes;
  if (routes.length === 0) {
    return itemResult(ctx, "C02", "not_applicable", [{ note: "no HTTP route handlers found outside test and docs code" }], null);
  }
  const index = ctx.facts.index;
  const rawBodies: Evidence[] = [];
  let bodyParams = 0;
  const undeclared: Evidence[] = [];
  let exempt = 0;
  for (const route of routes) {
    for (const param of route.fn.params) {
      const kind = bodyKind(index, route.fn, param);
      if (kind === null) continue;
      bodyParams++;
      if (kind !== "model") rawBodies.push(at(route.module, param.node, `body \`${param.node.text}\` in \`${route.fn.name}\` is ${kind}`));
    }
    for (const read of rawJsonReads(index, route.fn)) {
      bodyParams++;
      rawBodies.push(at(route.module, read, `\`${route.fn.name}\` reads the raw body with \`${read.text}\``));
    }
    const response = responseDeclaration(ctx.facts, route);
    if (response === "exempt") exempt++;
    else if (response !== "declared") undeclared.push(at(route.module, route.fn.node, `\`${route.fn.name}\` ${response}`));
  }

  const evidence: Evidence[] = [];
  if (rawBodies.length > 0) {
    evidence.push(...listed(`${rawBodies.length} of ${count(bodyParams, "request body", "request bodies")} ${isAre(rawBodies.length)} not a Pydantic model`, rawBodies, "unvalidated bodies"));
  } else {
    evidence.push({ note: bodyParams > 0 ? `every request body (${bodyParams}) is a Pydantic model` : "no route takes a request body" });
  }
  const checked = routes.length - exempt;
  if (undeclared.length > 0) {
    evidence.push(...listed(`${undeclared.length} of ${count(checked, "HTTP route")} ${undeclared.length === 1 ? "declares" : "declare"} no response model`, undeclared, "routes without a response model"));
  } else {
    evidence.push({ note: `every HTTP route (${checked}) declares a response model or return type` });
  }
  if (exempt > 0) evidence.push({ note: `${count(exempt, "route")} ${isAre(exempt)} exempt: status 204, a returned \`Response\`, or a non-JSON response class` });

  const failing = rawBodies.length > 0 || undeclared.length > 0;
  return itemResult(ctx, "C02", failing ? "fail" : "pass", evidence, {
    quotes: [{ principle: "Explicit Validation" }, { antiPattern: "Return Dicts" }],
    nextStep:
      "declare a `BaseModel` for each request body (`payload: ItemCreate`) instead of `dict`/`Any`/`request.json()`, " +
      "and give each route `response_model=ItemPublic` or a return annotation (`-> ItemPublic`).",
  });
}

/** What a handler parameter is as a request body: null when not a body, else "model" or why it is not one. */
function bodyKind(index: ProjectIndex, fn: FunctionInfo, param: ParamInfo): string | null {
  if (param.splat || param.name === "self" || param.name === "cls") return null;
  if (index.parameterDependency(fn, param)) return null;
  const markerName = explicitMarker(index, fn.module, param);
  if (markerName !== null && NON_BODY_MARKERS.test(markerName)) return null;
  const isBodyMarker = markerName !== null && /(^|\.)Body$/.test(markerName);
  const { type, module } = index.unwrapAnnotation(fn.module, param.annotation);
  if (!type) return isBodyMarker ? "untyped (`Body()` without an annotation)" : null;
  const q = index.qualify(module, genericParts(type)?.base ?? unwrapType(type));
  if (q && NON_BODY_TYPES.test(q)) return null;
  const loose = looseType(index, module, type);
  if (loose) return loose;
  return isBodyMarker || isModelType(index, module, type) ? "model" : null;
}

/** `Query(...)`, `Body(...)`, ... in the default or in `Annotated[...]` metadata: its qualified name. */
function explicitMarker(index: ProjectIndex, mod: ModuleInfo, param: ParamInfo): string | null {
  const candidates: Node[] = [];
  if (param.default) candidates.push(param.default);
  const generic = param.annotation ? genericParts(param.annotation) : null;
  if (generic && /Annotated$/.test(index.qualify(mod, generic.base) ?? "")) candidates.push(...generic.args.slice(1));
  for (const c of candidates) {
    const n = unparen(c);
    if (n.type !== "call") continue;
    const q = index.qualify(mod, n.childForFieldName("function"));
    if (q && (q.startsWith("fastapi") || q.startsWith("starlette"))) return q;
  }
  return null;
}

/**
 * Why a type validates nothing (`dict`, `Any`, `dict[str, Any]`, `list[dict]`), or null. A mapping with typed
 * values (`dict[str, int]`, `dict[str, Item]`) is a schema: FastAPI validates and documents it.
 */
function looseType(index: ProjectIndex, mod: ModuleInfo, type: Node): string | null {
  const generic = genericParts(type);
  const q = index.qualify(mod, generic?.base ?? unwrapType(type));
  if (q && UNTYPED.has(q)) {
    const values = generic?.args[1];
    if (values && !looseType(index, mod, values) && !/Any$/.test(q)) return null;
    return `\`${type.text}\`, not a model`;
  }
  if (generic && q && SEQUENCES.has(q) && generic.args[0]) return looseType(index, mod, generic.args[0]);
  return null;
}

/** A project Pydantic model, or a list/union/generic of one. */
function isModelType(index: ProjectIndex, mod: ModuleInfo, type: Node): boolean {
  const n = unwrapType(type);
  const generic = genericParts(n);
  if (generic) return generic.args.some((a) => isModelType(index, mod, a)) || isModelType(index, mod, generic.base);
  if (n.type === "binary_operator") {
    return [n.childForFieldName("left"), n.childForFieldName("right")].some((p) => !!p && isModelType(index, mod, p));
  }
  const cls = index.classFor(mod, n);
  return !!cls && index.isModelClass(cls);
}

/** `await request.json()` on a handler's `Request` parameter, in its own scope. */
function rawJsonReads(index: ProjectIndex, fn: FunctionInfo): Node[] {
  const requestParams = new Set(
    fn.params.filter((p) => /(^|\.)Request$/.test(index.qualify(fn.module, unwrapAnnotationBase(index, fn, p)) ?? "")).map((p) => p.name),
  );
  if (requestParams.size === 0) return [];
  const out: Node[] = [];
  for (const fact of fn.module.calls) {
    if (fact.scope !== fn.scope) continue;
    const callee = fact.node.childForFieldName("function");
    if (callee?.type !== "attribute" || callee.childForFieldName("attribute")?.text !== "json") continue;
    const obj = callee.childForFieldName("object");
    if (obj?.type === "identifier" && requestParams.has(obj.text)) out.push(fact.node.parent?.type === "await" ? fact.node.parent : fact.node);
  }
  return out;
}

function unwrapAnnotationBase(index: ProjectIndex, fn: FunctionInfo, p: ParamInfo): Node | null {
  const t = index.unwrapAnnotation(fn.module, p.annotation).type;
  return t ? (genericParts(t)?.base ?? unwrapType(t)) : null;
}

/**
 * How a route declares its response: "declared", "exempt", or a phrase saying what is missing.
 * Exported for the pre-response validation, which asks the same question of a snippet.
 */
export function responseDeclaration(facts: ProjectFacts, route: RouteInfo): string {
  const index = facts.index;
  const mod = route.module;
  if (isNoContentStatus(index, mod, route.args.keywords.get("status_code") ?? null)) return "exempt";
  const routerKey = facts.routers.routeRouterKey(route);
  const responseClass = route.args.keywords.get("response_class");
  if (responseClass && !isJsonResponseClass(index, mod, responseClass)) return "exempt";
  if (!responseClass) {
    const key = routerKey;
    if (key && facts.routers.anyPath(key, "non-json-default", (args, m) => {
      const d = args.keywords.get("default_response_class");
      return !!d && !isJsonResponseClass(index, m, d);
    })) return "exempt";
  }
  const fn = route.fn;
  if (fn.returns) {
    const base = genericParts(fn.returns)?.base ?? unwrapType(fn.returns);
    if (isResponseType(index, mod, base)) return "exempt";
  }
  if (ownScopeReturnValues(fn).some((v) => returnsResponse(index, fn, v))) return "exempt";
  const model = route.args.keywords.get("response_model");
  if (model && !isNone(model)) {
    return looseType(index, mod, model) ? `has \`response_model=${model.text}\`, not a model` : "declared";
  }
  if (model) return "sets `response_model=None`";
  if (!fn.returns) return "has neither `response_model=` nor a return annotation";
  // An explicit `-> None` declares an empty body (a 202 webhook, a fire-and-forget action).
  if (unwrapType(fn.returns).type === "none") return "declared";
  const loose = looseType(index, mod, fn.returns);
  return loose ? `returns ${loose.replace(", not a model", "")} with no \`response_model=\`` : "declared";
}

function isJsonResponseClass(index: ProjectIndex, mod: ModuleInfo, node: Node): boolean {
  const cls = index.classFor(mod, node);
  const name = cls?.name ?? index.qualify(mod, node) ?? node.text;
  if (JSON_RESPONSES.test(name.slice(name.lastIndexOf(".") + 1))) return true;
  return !!cls && cls.bases.some((b) => JSON_RESPONSES.test(b.text));
}

/** A Starlette/FastAPI `Response` class or a project subclass; a Pydantic model named `...Response` is not one. */
function isResponseType(index: ProjectIndex, mod: ModuleInfo, node: Node | null): boolean {
  if (!node) return false;
  const cls = index.classFor(mod, node);
  if (cls && index.isModelClass(cls)) return false;
  return isResponseClassName(index.qualify(mod, node) ?? node.text);
}

function returnsResponse(index: ProjectIndex, fn: FunctionInfo, value: Node): boolean {
  const n = unparen(value);
  if (n.type === "call") return isResponseType(index, fn.module, n.childForFieldName("function"));
  if (n.type !== "identifier") return false;
  // `response = JSONResponse(...); return response`
  for (const fact of fn.module.assignments) {
    if (fact.scope !== fn.scope) continue;
    const left = fact.node.childForFieldName("left");
    const right = fact.node.childForFieldName("right");
    if (left?.text !== n.text || right?.type !== "call") continue;
    if (isResponseType(index, fn.module, right.childForFieldName("function"))) return true;
  }
  return false;
}
