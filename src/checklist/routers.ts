import type { SyntaxNode as Node } from "../python/flat-tree.js";
import type { ModuleInfo, Scope } from "../python/module.js";
import type { ProjectIndex, RouteInfo } from "../python/project-index.js";
import { argument, callArguments, isNone, unparen, type CallArguments } from "../python/syntax.js";
import { isAppCode } from "./app-code.js";

/**
 * How routers reach apps: `router = APIRouter(tags=...)` objects and the `X.include_router(router, tags=...)`
 * calls that mount them, across modules. A router is known by the definition its name resolves to, so
 * `from .users import router as users_router; api.include_router(users_router)` meets `@router.get` in users.py.
 */
export interface RouterNode {
  key: string;
  /** The value bound to the router's name, when it is a call (`APIRouter(...)`, `FastAPI(...)`, a factory). */
  ctor: { module: ModuleInfo; call: Node; args: CallArguments } | null;
}

export interface IncludeEdge {
  module: ModuleInfo;
  call: Node;
  args: CallArguments;
  parentKey: string | null;
}

/** Whether a router constructor or an include call (its arguments, module and call node) has a property. */
type MountTest = (args: CallArguments, module: ModuleInfo, call: Node) => boolean;

export class RouterGraph {
  private readonly nodes = new Map<string, RouterNode>();
  private readonly includes = new Map<string, IncludeEdge[]>();
  private readonly memo = new Map<string, Map<string, boolean>>();
  /** `include_router(x, ...)` calls whose router cannot be followed at all (an expression with no name). */
  private readonly unnamedIncludes: IncludeEdge[] = [];

  constructor(private readonly index: ProjectIndex) {
    for (const mod of index.modules) {
      if (!isAppCode(mod)) continue;
      for (const fact of mod.calls) {
        const callee = fact.node.childForFieldName("function");
        if (callee?.type !== "attribute" || callee.childForFieldName("attribute")?.text !== "include_router") continue;
        const args = callArguments(fact.node);
        const child = this.keyOf(mod, argument(args, 0, "router"), fact.scope);
        const edge: IncludeEdge = { module: mod, call: fact.node, args, parentKey: this.keyOf(mod, callee.childForFieldName("object"), fact.scope) };
        if (!child) {
          this.unnamedIncludes.push(edge);
          continue;
        }
        const list = this.includes.get(child) ?? [];
        list.push(edge);
        this.includes.set(child, list);
      }
    }
  }

  /**
   * A stable identity for the object an expression names: a module-level definition (`app.api.users:router`),
   * or a name bound inside a function (`create_app`'s local `app`). Null when it cannot be followed.
   */
  keyOf(mod: ModuleInfo, expr: Node | null, scope: Scope): string | null {
    if (!expr) return null;
    const n = unparen(expr);
    if (n.type === "identifier") {
      for (let s: Scope | null = scope; s && s.kind !== "module"; s = s.parent) {
        if (s.kind !== "function") continue;
        const local = this.localCall(mod, s, n.text);
        if (local !== undefined) {
          // Keyed by the constructor call when there is one, so `app = api = FastAPI()` names one object.
          const key = local ? `${mod.file.path}@${local.startIndex}` : `${mod.file.path}@${s.node.startIndex}:${n.text}`;
          if (!this.nodes.has(key)) this.nodes.set(key, { key, ctor: local ? { module: mod, call: local, args: callArguments(local) } : null });
          return key;
        }
      }
    }
    if (n.type !== "identifier" && n.type !== "attribute") return null;
    const r = this.index.resolve(mod, n);
    if (!r || r.def.kind !== "value") return null;
    const value = unparen(r.def.value);
    // `auth_router = r = APIRouter()`: both names resolve to the one call, and share its key.
    const key = value.type === "call" ? `${r.module.file.path}@${value.startIndex}` : `${r.module.name}:${r.name}`;
    if (!this.nodes.has(key)) {
      this.nodes.set(key, { key, ctor: value.type === "call" ? { module: r.module, call: value, args: callArguments(value) } : null });
    }
    return key;
  }

  /** The call a function-local name is bound to: undefined when the function does not bind it, null when not a call. */
  private localCall(mod: ModuleInfo, scope: Scope, name: string): Node | null | undefined {
    let found: Node | null | undefined;
    for (const fact of mod.assignments) {
      if (fact.scope !== scope) continue;
      const left = fact.node.childForFieldName("left");
      if (left?.type !== "identifier" || left.text !== name) continue;
      let right = fact.node.childForFieldName("right");
      // Chained `app = api = FastAPI()`: the value is the innermost right side.
      while (right?.type === "assignment" && right.childForFieldName("right")) right = right.childForFieldName("right");
      found = right && unparen(right).type === "call" ? unparen(right) : null;
    }
    return found;
  }

  node(key: string): RouterNode | null {
    return this.nodes.get(key) ?? null;
  }

  edges(key: string): IncludeEdge[] {
    return this.includes.get(key) ?? [];
  }

  /** The key of the router a route is declared on (`@router.get`), when it can be followed. */
  routeRouterKey(route: RouteInfo): string | null {
    // The decorator is evaluated where the `def` stands.
    return this.keyOf(route.module, route.router, route.fn.outer);
  }

  /**
   * Whether some way the router is mounted gives a property: its own constructor, an `include_router` call,
   * or (recursively) the router it is included into. `own` reads a constructor or include call's arguments.
   */
  anyPath(key: string, prop: string, own: MountTest): boolean {
    return this.mountPaths("any", key, prop, own);
  }

  /**
   * `include_router(x, ...)` calls that mount a router the code does not name: `x` is an expression, or a name that
   * declares no route and includes nothing itself (`plugin_router = getattr(module, "router")`), so the routers it
   * carries at run time are not known. `routeKeys`: the keys routes are declared on.
   */
  dynamicIncludes(routeKeys: ReadonlySet<string>): IncludeEdge[] {
    const parents = new Set<string>();
    for (const list of this.includes.values()) for (const e of list) if (e.parentKey) parents.add(e.parentKey);
    const out = [...this.unnamedIncludes];
    for (const [child, list] of this.includes) {
      if (!routeKeys.has(child) && !parents.has(child)) out.push(...list);
    }
    return out;
  }

  /**
   * Whether some way up from the router stops before reaching an app: a router no `include_router` call names (it
   * may be mounted dynamically, or not at all), or an include on an object that cannot be followed.
   */
  reachesUnseenMount(key: string, appKeys: ReadonlySet<string>): boolean {
    const seen = new Set<string>();
    const visit = (k: string, depth: number): boolean => {
      if (appKeys.has(k)) return false;
      if (seen.has(k) || depth > 20) return false;
      seen.add(k);
      const edges = this.edges(k);
      if (edges.length === 0) return true;
      return edges.some((e) => e.parentKey === null || visit(e.parentKey, depth + 1));
    };
    return visit(key, 0);
  }

  /**
   * Whether every way the router is mounted has a property (it is mounted at least once), or its constructor
   * has it: e.g. hidden from the schema only when no mount shows it.
   */
  allPaths(key: string, prop: string, own: MountTest): boolean {
    return this.mountPaths("all", key, prop, own);
  }

  /**
   * The walk behind anyPath/allPaths: the router's constructor decides when it has the property; otherwise some
   * (or every) include edge must have it itself or lead to a router that does. Memoised per property and mode;
   * cycles and chains deeper than 20 count as not having it.
   */
  private mountPaths(mode: "any" | "all", key: string, prop: string, own: MountTest): boolean {
    const memoKey = `${mode}:${prop}`;
    const cache = this.memo.get(memoKey) ?? new Map<string, boolean>();
    this.memo.set(memoKey, cache);
    const visit = (k: string, depth: number): boolean => {
      const known = cache.get(k);
      if (known !== undefined) return known;
      if (depth > 20) return false;
      cache.set(k, false);
      const node = this.nodes.get(k);
      let result = !!node?.ctor && own(node.ctor.args, node.ctor.module, node.ctor.call);
      const edges = this.edges(k);
      if (!result && edges.length > 0) {
        const viaEdge = (e: IncludeEdge) => own(e.args, e.module, e.call) || (e.parentKey !== null && visit(e.parentKey, depth + 1));
        result = mode === "any" ? edges.some(viaEdge) : edges.every(viaEdge);
      }
      cache.set(k, result);
      return result;
    };
    return visit(key, 0);
  }
}

/** `tags=[...]` given and not an empty list literal. */
export function hasTags(args: CallArguments): boolean {
  const t = args.keywords.get("tags");
  if (!t) return false;
  const n = unparen(t);
  return !((n.type === "list" || n.type === "tuple") && n.namedChildCount === 0) && !isNone(n);
}

/** `include_in_schema=False` literally. */
export function excludedFromSchema(args: CallArguments): boolean {
  const v = args.keywords.get("include_in_schema");
  return !!v && unparen(v).type === "false";
}
