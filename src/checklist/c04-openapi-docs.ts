import type { SyntaxNode as Node } from "../python/flat-tree.js";
import type { FunctionInfo } from "../python/module.js";
import type { RouteInfo } from "../python/project-index.js";
import { argument, callArguments, isNone, stringLiteral, unparen, type CallArguments } from "../python/syntax.js";
import { at, byPlace, count, hasHave, isAre, itemResult, listed } from "./evidence.js";
import type { AppInfo, ProjectFacts } from "./project-facts.js";
import { excludedFromSchema, hasTags, type IncludeEdge } from "./routers.js";
import type { AuditContext, ChecklistItemResult, Evidence } from "./types.js";

const GET_OPENAPI = new Set(["fastapi.openapi.utils.get_openapi"]);

/**
 * C04 "OpenAPI docs verified (/docs)": each main app (one not mounted into another with `mount`/`host`) sets
 * `title` and `description`, and does not disable its docs unconditionally (`openapi_url=None`, or both
 * `docs_url=None` and `redoc_url=None`, as literals: `None if prod else "/openapi.json"` is fine); every HTTP route
 * in the schema has tags (its decorator, its router's `APIRouter(tags=)`, or an `include_router(tags=)` on the way
 * to the app) and a summary, description or docstring. Whether a test fetches `/openapi.json` or `/docs` is
 * evidence only.
 * Decisions: a project that builds its schema itself with `fastapi.openapi.utils.get_openapi(title=...,
 * description=...)` has its title, description and docs from there; routes with `include_in_schema=False` (on the
 * route, or on every way its router is mounted) and routes of an app whose docs are off are not in any schema and
 * are not checked; an app built with `**kwargs` is not held to keywords we cannot see; an untagged route whose router
 * no static `include_router` chain brings to an app, in a project that mounts routers dynamically with
 * `include_router(<expression>, tags=...)` (plugin loaders), is reported as not verified rather than failing.
 */
export function checkC04(ctx: Pick<AuditContext, "facts" | "persona">): ChecklistItemResult {
  const { facts } = ctx;
  if (!facts.hasApp) return itemResult(ctx, "C04", "not_applicable", [{ note: "no `FastAPI(...)` app found outside test and docs code" }], null);
  const evidence: Evidence[] = [];
  let failing = false;

  const handBuilt = facts.callsTo(GET_OPENAPI);
  const main = facts.apps.filter((a) => !a.mounted);
  const apps = main.length > 0 ? main : facts.apps;
  const good: Flagged[] = [];
  const bad: Flagged[] = [];
  let badApps = 0;
  for (const app of apps) {
    // A hand-built schema belongs to the app of its module, or to the project's only main app.
    const built = handBuilt.filter((c) => apps.length === 1 || c.module === app.module);
    const builtTitle = built.some((c) => callArguments(c.call).keywords.has("title"));
    const problems = appProblems(app, built.length > 0, builtTitle);
    if (problems.failing) badApps++;
    good.push(...problems.evidence.filter((e) => !e.bad));
    bad.push(...problems.evidence.filter((e) => e.bad));
  }
  failing ||= badApps > 0;
  if (apps.length <= 3) evidence.push(...[...good, ...bad].sort(byPlace).map(unflag));
  else if (badApps > 0) evidence.push(...listed(`${badApps} of ${count(apps.length, "app")} set no title or description, or turn their docs off`, bad.map(unflag), "problems"));
  else evidence.push({ note: `every app (${apps.length}) sets a title and description and serves its docs` });
  const usedBuilder = handBuilt.find((c) => apps.length === 1 || apps.some((a) => a.module === c.module));
  if (usedBuilder) evidence.push(at(usedBuilder.module, usedBuilder.call, "the schema is built by hand with `get_openapi(...)`"));

  const subApps = new Set(facts.apps.filter((a) => a.mounted && docsDisabled(a.args)).map((a) => a.call.id));
  const routes = facts.httpRoutes.filter((r) => inSchema(facts, r, subApps));
  // Routers mounted by a dynamic `include_router(plugin_router, tags=...)` get their tags there: not verifiable.
  const routeKeys = new Set(facts.routes.map((r) => facts.routers.routeRouterKey(r)).filter((k): k is string => k !== null));
  const dynamicTagged = facts.routers.dynamicIncludes(routeKeys).filter((e) => hasTags(e.args)).sort((a, b) => byPlace(at(a.module, a.call, ""), at(b.module, b.call, "")));
  const appKeys = new Set(facts.apps.map((a) => a.key).filter((k): k is string => k !== null));
  const unverified: RouteInfo[] = [];
  const untagged = routes
    .filter((r) => !routeHasTags(facts, r))
    .filter((r) => {
      const key = dynamicTagged.length > 0 ? facts.routers.routeRouterKey(r) : null;
      if (key && facts.routers.reachesUnseenMount(key, appKeys)) {
        unverified.push(r);
        return false;
      }
      return true;
    })
    .map((r) => at(r.module, r.fn.node, `\`${r.fn.name}\` has no tags`));
  const undescribed = routes
    .filter((r) => !r.args.keywords.has("summary") && !r.args.keywords.has("description") && !docstring(r.fn))
    .map((r) => at(r.module, r.fn.node, `\`${r.fn.name}\` has no summary, description or docstring`));
  if (routes.length === 0) evidence.push({ note: "no HTTP route in the schema" });
  if (untagged.length > 0) evidence.push(...listed(`${untagged.length} of ${count(routes.length, "HTTP route")} ${hasHave(untagged.length)} no tags`, untagged, "untagged routes"));
  else if (routes.length > 0) evidence.push({ note: unverified.length > 0 ? `every other HTTP route (${routes.length - unverified.length}) has tags` : `every HTTP route (${routes.length}) has tags` });
  if (unverified.length > 0) {
    const d = dynamicTagged[0]!;
    evidence.push({
      ...at(d.module, d.call, ""),
      note: `${count(unverified.length, "route")} ${isAre(unverified.length)} on routers mounted dynamically (\`${includeText(d)}\`), which passes their tags; not verified`,
    });
  }
  if (undescribed.length > 0) {
    evidence.push(...listed(`${undescribed.length} of ${count(routes.length, "HTTP route")} ${hasHave(undescribed.length)} no summary, description or docstring`, undescribed, "undescribed routes"));
  } else if (routes.length > 0) evidence.push({ note: `every HTTP route (${routes.length}) has a summary, description or docstring` });
  failing ||= untagged.length > 0 || undescribed.length > 0;

  const docsTest = testFetchingDocs(facts);
  evidence.push(docsTest ?? { note: "no test fetches `/openapi.json` or `/docs` (not required)" });

  return itemResult(ctx, "C04", failing ? "fail" : "pass", evidence, {
    quotes: [{ check: "Docs" }, { principle: "Standards" }],
    nextStep:
      'give `FastAPI(title="...", description="...")`, tag each router (`APIRouter(prefix="/items", tags=["items"])`), ' +
      "give each route a docstring or `summary=`, keep `/docs` on outside production (`openapi_url=None if prod else \"/openapi.json\"`), " +
      "and add a test that fetches `/openapi.json`.",
  });
}

type Flagged = Evidence & { bad: boolean };

function unflag(f: Flagged): Evidence {
  const { bad: _bad, ...e } = f;
  return e;
}

function appProblems(app: AppInfo, handBuilt: boolean, handBuiltTitle: boolean): { failing: boolean; evidence: Flagged[] } {
  const evidence: Flagged[] = [];
  const ok = (e: Evidence): Flagged => ({ ...e, bad: false });
  const problem = (e: Evidence): Flagged => ({ ...e, bad: true });
  const kw = app.args.keywords;
  const missing = ["title", "description"].filter((k) => !kw.has(k));
  let failing = false;
  if (missing.length > 0 && app.args.hasSplat) {
    evidence.push(ok(at(app.module, app.call, `\`FastAPI(...)\` takes \`**kwargs\`; ${missing.join(" and ")} not verified`)));
  } else if (missing.length > 0 && handBuiltTitle) {
    evidence.push(ok(at(app.module, app.call, `\`FastAPI(...)\` sets no ${missing.join(" or ")}; the hand-built schema sets its own`)));
  } else if (missing.length > 0) {
    failing = true;
    evidence.push(problem(at(app.module, app.call, `\`FastAPI(...)\` sets no ${missing.join(" and no ")}`)));
  } else {
    evidence.push(ok(at(app.module, app.call, "`FastAPI(...)` sets title and description")));
  }
  const disabled = docsDisabled(app.args);
  if (disabled && handBuilt) {
    evidence.push(ok(at(app.module, disabled, `\`${disabledText(app.args, disabled)}\`: the built-in docs are off, the project serves its own schema`)));
  } else if (disabled) {
    failing = true;
    evidence.push(problem(at(app.module, disabled, `docs disabled unconditionally: \`${disabledText(app.args, disabled)}\``)));
  } else {
    const conditional = ["openapi_url", "docs_url"].map((k) => kw.get(k)).find((v) => v && unparen(v).type === "conditional_expression");
    if (conditional) evidence.push(ok(at(app.module, conditional, `docs switched by configuration (\`${conditional.text}\`): served where enabled`)));
  }
  return { failing, evidence };
}

/** The keyword that turns the docs off for good, or null. */
export function docsDisabled(args: CallArguments): Node | null {
  const openapi = args.keywords.get("openapi_url");
  if (openapi && isNone(openapi)) return openapi.parent ?? openapi;
  const docs = args.keywords.get("docs_url");
  const redoc = args.keywords.get("redoc_url");
  if (docs && redoc && isNone(docs) && isNone(redoc)) return docs.parent ?? docs;
  return null;
}

function disabledText(args: CallArguments, node: Node): string {
  const redoc = args.keywords.get("redoc_url");
  return node.text.startsWith("docs_url") && redoc?.parent ? `${node.text}, ${redoc.parent.text}` : node.text;
}

/**
 * Routes left out of every schema: `include_in_schema=False` on the route or on every way to it, or routes of a
 * mounted sub-application whose docs are off (an admin UI, a redirector). A main app with its docs off still has
 * its routes checked: the fix there is to turn the docs on.
 */
function inSchema(facts: ProjectFacts, route: RouteInfo, hiddenSubApps: Set<number>): boolean {
  if (excludedFromSchema(route.args)) return false;
  const key = facts.routers.routeRouterKey(route);
  if (!key) return true;
  return !facts.routers.allPaths(key, "hidden", (args, _m, call) => excludedFromSchema(args) || hiddenSubApps.has(call.id));
}

/** Tags on the route, its router, or an `include_router` between the router and the app. */
export function routeHasTags(facts: ProjectFacts, route: RouteInfo): boolean {
  if (hasTags(route.args)) return true;
  const key = facts.routers.routeRouterKey(route);
  return !!key && facts.routers.anyPath(key, "tags", (args) => hasTags(args));
}

/** The function's docstring node, or null. */
export function docstring(fn: FunctionInfo): Node | null {
  const body = fn.node.childForFieldName("body");
  const first = body?.namedChild(0);
  if (first?.type !== "expression_statement") return null;
  const value = first.namedChild(0);
  return value && stringLiteral(value) ? value : null;
}

function testFetchingDocs(facts: ProjectFacts): Evidence | null {
  for (const mod of facts.index.modules) {
    if (!mod.isTest) continue;
    for (const fact of mod.calls) {
      const first = fact.node.childForFieldName("arguments")?.namedChild(0);
      const lit = first ? stringLiteral(first) : null;
      if (lit && (/openapi\.json$/.test(lit.value) || /\/(docs|redoc)\/?$/.test(lit.value))) {
        return at(mod, fact.node, `a test fetches \`${lit.value}\``);
      }
    }
  }
  return null;
}

/** `target.include_router(plugin_router, tags=...)`, short. */
function includeText(e: IncludeEdge): string {
  const callee = e.call.childForFieldName("function")?.text ?? "include_router";
  const router = argument(e.args, 0, "router")?.text ?? "...";
  const tags = e.args.keywords.get("tags")?.text ?? "...";
  const short = (t: string) => (t.length > 40 ? `${t.slice(0, 37)}...` : t).replace(/\s+/g, " ");
  return `${short(callee)}(${short(router)}, tags=${short(tags)})`;
}
