import type { SyntaxNode as Node } from "../python/flat-tree.js";
import type { ClassInfo, Fact, ModuleInfo } from "../python/module.js";
import type { ProjectIndex, RouteInfo } from "../python/project-index.js";
import { argument, callArguments, type CallArguments, isMigrationPath, isSampleDataPath } from "../python/syntax.js";
import { isScriptModule } from "../rules/fapi001-scopes.js";
import { isAppCode } from "./app-code.js";
import { at } from "./evidence.js";
import { RouterGraph } from "./routers.js";
import type { Evidence } from "./types.js";

/** A call outside test and docs code with what its callee resolves to. */
export interface CallSite {
  module: ModuleInfo;
  fact: Fact;
  call: Node;
  /** Qualified callee (`sqlalchemy.create_engine`), null when unknown. */
  q: string | null;
  /** The attribute of an `x.method(...)` callee, null otherwise. */
  method: string | null;
}

export interface AppInfo {
  module: ModuleInfo;
  call: Node;
  args: CallArguments;
  /** Router-graph key of the name the app is bound to, when it is bound to one. */
  key: string | null;
  /** Mounted into another app (`app.mount(path, sub)`, `app.host(host, sub)`): a sub-application. */
  mounted: boolean;
}

export interface MiddlewareUse {
  module: ModuleInfo;
  /** The registering call: `add_middleware(...)`, `Middleware(...)`, or `CORSMiddleware(app, ...)`. */
  call: Node;
  /** The middleware class's qualified name, or the project class's name. */
  name: string;
  projectClass: ClassInfo | null;
}

const FASTAPI_APP = new Set(["fastapi.FastAPI", "fastapi.applications.FastAPI"]);
const MIDDLEWARE_WRAPPER = new Set(["starlette.middleware.Middleware", "fastapi.middleware.Middleware"]);

/** Facts several checklist items share, each computed on first use and kept for the call. */
export class ProjectFacts {
  private callList: CallSite[] | null = null;
  private appList: AppInfo[] | null = null;
  private graph: RouterGraph | null = null;
  private middlewareList: MiddlewareUse[] | null = null;
  private sql: Evidence | null | undefined;

  constructor(readonly index: ProjectIndex) {}

  /** Every call outside test and docs code (`isAppCode`), with its qualified callee. */
  get calls(): CallSite[] {
    if (this.callList) return this.callList;
    const out: CallSite[] = [];
    for (const module of this.index.modules) {
      if (!isAppCode(module)) continue;
      for (const fact of module.calls) {
        const callee = fact.node.childForFieldName("function");
        out.push({
          module,
          fact,
          call: fact.node,
          q: this.index.qualify(module, callee),
          method: callee?.type === "attribute" ? (callee.childForFieldName("attribute")?.text ?? null) : null,
        });
      }
    }
    this.callList = out;
    return out;
  }

  callsTo(names: ReadonlySet<string>): CallSite[] {
    return this.calls.filter((c) => c.q !== null && names.has(c.q));
  }

  /** Route handlers outside test and docs code. */
  get routes(): RouteInfo[] {
    return this.index.routes().filter((r) => isAppCode(r.module));
  }

  get httpRoutes(): RouteInfo[] {
    return this.routes.filter((r) => r.kind === "http");
  }

  get routers(): RouterGraph {
    this.graph ??= new RouterGraph(this.index);
    return this.graph;
  }

  /** `FastAPI(...)` calls outside test and docs code (RULES.md: a project "has an app"). */
  get apps(): AppInfo[] {
    if (this.appList) return this.appList;
    const mountedKeys = new Set<string>();
    for (const c of this.calls) {
      if (c.method !== "mount" && c.method !== "host") continue;
      const args = callArguments(c.call);
      const key = this.routers.keyOf(c.module, argument(args, 1, "app"), c.fact.scope);
      if (key) mountedKeys.add(key);
    }
    this.appList = this.calls
      .filter((c) => c.q !== null && (FASTAPI_APP.has(c.q) || this.isFastApiSubclass(c)))
      .map((c) => {
        const key = this.appKey(c);
        return { module: c.module, call: c.call, args: callArguments(c.call), key, mounted: key !== null && mountedKeys.has(key) };
      });
    return this.appList;
  }

  get hasApp(): boolean {
    return this.apps.length > 0;
  }

  /** The first import of SQLAlchemy or SQLModel outside test and docs code and Alembic's own files, or null (RULES.md "uses SQL"). */
  get sqlImport(): Evidence | null {
    if (this.sql !== undefined) return this.sql;
    this.sql = null;
    // The evidence shows the app's own import over a script's, a migration helper's, a doc's or a seed's, then the
    // first by path.
    const rank = (module: ModuleInfo) => `${isSampleDataPath(module.file.path) || isScriptModule(this.index, module) ? 1 : 0}${module.file.path}`;
    let best: string | null = null;
    for (const module of this.index.modules) {
      if (!isAppCode(module) || runsUnderAlembic(module)) continue;
      for (const [, binding] of module.imports) {
        const top = binding.target.split(".")[0];
        if (top === "sqlalchemy" || top === "sqlmodel") {
          const r = rank(module);
          if (best === null || r < best) {
            this.sql = at(module, binding.node, `imports ${top}`);
            best = r;
          }
          break;
        }
      }
    }
    return this.sql;
  }

  /** Middleware registered outside test and docs code, by any of the ways Starlette accepts. */
  get middleware(): MiddlewareUse[] {
    if (this.middlewareList) return this.middlewareList;
    const out: MiddlewareUse[] = [];
    for (const c of this.calls) {
      const candidate = c.method === "add_middleware" || (c.q !== null && (MIDDLEWARE_WRAPPER.has(c.q) || /Middleware$/.test(c.q)));
      if (!candidate) continue;
      const args = callArguments(c.call);
      let cls: Node | null = null;
      if (c.method === "add_middleware") cls = argument(args, 0, "middleware_class");
      else if (c.q !== null && MIDDLEWARE_WRAPPER.has(c.q)) cls = argument(args, 0, "cls");
      else if (args.positional.length > 0 && c.q !== null && /Middleware$/.test(c.q)) {
        // `app = CORSMiddleware(app, allow_origins=...)`: an ASGI app wrapped by hand.
        cls = c.call.childForFieldName("function");
      }
      if (!cls) continue;
      // `mcp.add_middleware(RateLimitingMiddleware(max_requests_per_second=...))`: an instance; name its class.
      if (cls.type === "call") cls = cls.childForFieldName("function") ?? cls;
      const projectClass = this.index.classFor(c.module, cls);
      const q = this.index.qualify(c.module, cls);
      out.push({ module: c.module, call: c.call, name: projectClass?.name ?? q ?? cls.text, projectClass });
    }
    this.middlewareList = out;
    return out;
  }

  private appKey(c: CallSite): string | null {
    const parent = c.call.parent;
    if (parent?.type !== "assignment") return null;
    return this.routers.keyOf(c.module, parent.childForFieldName("left"), c.fact.scope);
  }

  private isFastApiSubclass(c: CallSite): boolean {
    const cls = this.index.classFor(c.module, c.call.childForFieldName("function"));
    return !!cls && cls.bases.some((b) => FASTAPI_APP.has(this.index.qualify(cls.module, b) ?? ""));
  }
}

/**
 * Alembic's own files, which only the `alembic` command runs and which say nothing about the app's database layer:
 * an env.py or revision (they import `alembic.context` or `alembic.op`), a module that imports alembic and defines
 * `revision` and `down_revision`, `alembic/env.py`, and whatever lies in a migrations folder. A server module that
 * imports `alembic.command` or `alembic.config` to migrate at startup is the app's own code.
 */
export function runsUnderAlembic(module: ModuleInfo): boolean {
  if (isMigrationPath(module.file.path) || /(^|\/)alembic\/env\.py$/.test(module.file.path)) return true;
  let alembic = false;
  for (const [, binding] of module.imports) {
    if (/^alembic\.(context|op)(\.|$)/.test(binding.target)) return true;
    if (binding.target === "alembic" || binding.target.startsWith("alembic.")) alembic = true;
  }
  return alembic && module.definitions.has("revision") && module.definitions.has("down_revision");
}
