import type { SyntaxNode as Node } from "./flat-tree.js";
import { type ClassInfo, type Definition, type Fact, factsOf, factsOfScopes, type FunctionInfo, type ModuleInfo, type ParamInfo, type Scope, scopeOf, scopesMatching } from "./module.js";
import {
  ANNOTATED,
  ASYNC_SESSIONMAKERS,
  ASYNC_SESSION_TYPES,
  BUILTIN_NAMES,
  EXTERNAL_TOP_LEVEL,
  SYNC_SESSION_VALUES,
  HTTPX_CLIENT_TYPES,
  HTTP_ROUTE_METHODS,
  MODEL_BASES,
  OFFLOAD_CALLS,
  OFFLOAD_METHODS,
  OPTIONAL,
  REQUESTS_SESSION_TYPES,
  SYNC_SESSIONMAKERS,
  SYNC_SESSION_TYPES,
  UNION,
  WEBSOCKET_ROUTE_METHODS,
} from "./names.js";
import { argument, callArguments, type CallArguments, genericParts, unparen, unwrapType } from "./syntax.js";

/** What the analysis knows a value to be. */
export type ValueTag = "sync-session" | "async-session" | "sync-sessionmaker" | "async-sessionmaker" | "requests-session" | "httpx-client";

/** A project definition reached by name, with the module it lives in. */
export interface ResolvedSymbol {
  module: ModuleInfo;
  name: string;
  def: Definition | { kind: "module" };
}

export interface RouteInfo {
  fn: FunctionInfo;
  module: ModuleInfo;
  kind: "http" | "websocket";
  /** `get`, `post`, ..., `api_route`, `add_api_route`, `websocket`. */
  method: string;
  /** The decorator call, the `X.get(path)` call applied to the function, or the `add_api_route` call. */
  call: Node;
  /** The `X` of `X.get(...)`. */
  router: Node | null;
  args: CallArguments;
}

export interface DependencyInfo {
  kind: "Depends" | "Security";
  call: Node;
  /** The dependency callable expression, or null for `Depends()` (the annotation's class). */
  target: Node | null;
  /** The module the `Depends(...)` call is written in (differs from the parameter's with aliases). */
  module: ModuleInfo;
}

export interface UnwrappedAnnotation {
  type: Node | null;
  module: ModuleInfo;
  dependency: DependencyInfo | null;
}

const MAX_DEPTH = 12;

/** One binding of a class attribute: `X: T = v` in the class body or `self.X = v` in a method. */
interface AttributeSource {
  scope: Scope;
  type: Node | null;
  value: Node | null;
}

/** Names of every offloading callable (names.ts OFFLOAD_CALLS/OFFLOAD_METHODS), for a cheap text pre-check. */
const OFFLOAD_HINT = /run_in_threadpool|to_thread|run_sync|run_in_executor|add_task|asyncify/;

/** Everything the rules and checklist need to know across the files of one call. */
export class ProjectIndex {
  readonly modules: ModuleInfo[];
  private readonly byName = new Map<string, ModuleInfo>();
  private suffixIndex: Map<string, ModuleInfo[]> | null = null;
  private routeList: RouteInfo[] | null = null;
  private readonly modelMemo = new Map<ClassInfo, boolean>();
  private readonly fnTagMemo = new Map<FunctionInfo, ValueTag | null>();
  private readonly offloadMemo = new Map<ModuleInfo, boolean>();
  private readonly paramTagMemo = new Map<ParamInfo, ValueTag | null>();
  private readonly paramDepMemo = new Map<ParamInfo, DependencyInfo | null>();
  /** What `Depends` a dependency factory returns, by factory. */
  private readonly factoryMemo = new Map<FunctionInfo, DependencyInfo | null>();
  /** By annotation node id: every tree stays alive while the index does, so ids are unique. */
  private readonly annotationMemo: Map<number, UnwrappedAnnotation>[] = [];
  private readonly bindingMemo = new Map<Scope, Map<string, { at: number; value: Node | null }[]>>();
  /** By class: what each `self.X` / class attribute holds (see attributeTag). */
  /** Value tags by scope and node, kept only when no depth cutoff shaped them (see `tooDeep`). */
  private readonly valueTagMemo = new Map<Scope, Map<number, ValueTag | null>>();
  /** Module-level name tags by module and name, under the same condition. */
  private readonly moduleNameTagMemo = new Map<ModuleInfo, Map<string, ValueTag | null>>();
  /** How many lookups stopped at MAX_DEPTH: a result computed while this grew is not memoised. */
  private cutoffs = 0;
  private readonly attrTagMemo = new Map<ClassInfo, Map<string, ValueTag | null>>();
  private readonly stateTagMemo = new Map<string, ValueTag | null>();
  private readonly attrSourceMemo = new Map<ClassInfo, Map<string, AttributeSource[]>>();
  private readonly attrClassMemo = new Map<ClassInfo, Map<string, ClassInfo | null>>();
  /** `resolveSymbol` and `canonical` answers by asking module and name (see `memoised`). */
  private readonly symbolMemo = new Map<ModuleInfo | null, Map<string, ResolvedSymbol | null>>();
  private readonly canonicalMemo = new Map<ModuleInfo | null, Map<string, string | null>>();

  constructor(modules: ModuleInfo[]) {
    this.modules = modules;
    for (const m of modules) if (!this.byName.has(m.name)) this.byName.set(m.name, m);
  }

  /**
   * The project module an import names. Projects are often scanned from above their import root
   * (`backend/app/core/db.py` imported as `app.core.db`), so a module also answers to a dotted suffix when
   * the folder above that suffix contains the importing file, as a `sys.path` entry would.
   */
  findModule(dotted: string, from: ModuleInfo | null): ModuleInfo | null {
    const exact = this.byName.get(dotted);
    if (exact) return exact;
    const top = dotted.split(".")[0] ?? "";
    if (EXTERNAL_TOP_LEVEL.has(top)) return null;
    if (!this.suffixIndex) {
      this.suffixIndex = new Map();
      for (const m of this.modules) {
        const parts = m.name.split(".");
        for (let i = 1; i < parts.length; i++) {
          const key = parts.slice(i).join(".");
          const list = this.suffixIndex.get(key) ?? [];
          list.push(m);
          this.suffixIndex.set(key, list);
        }
      }
    }
    const candidates = this.suffixIndex.get(dotted);
    if (!candidates) return null;
    const fromDir = from ? from.file.path.split("/").slice(0, -1).join("/") : "";
    let best: ModuleInfo | null = null;
    let bestLen = -1;
    for (const c of candidates) {
      const prefixParts = c.name.split(".").length - dotted.split(".").length;
      const rootDir = c.file.path.split("/").slice(0, prefixParts).join("/");
      const underRoot = rootDir === "" || fromDir === rootDir || fromDir.startsWith(`${rootDir}/`);
      if (!underRoot) continue;
      if (rootDir.length > bestLen) {
        best = c;
        bestLen = rootDir.length;
      }
    }
    return best;
  }

  /**
   * The fully qualified name an identifier or attribute chain refers to, through imports and aliases:
   * `r.get` with `import requests as r` -> `requests.get`; `sleep` with `from time import sleep` ->
   * `time.sleep`; a module-level def `f` -> `<module>.f`; a builtin -> `builtins.open`. Null when unknown.
   */
  qualify(mod: ModuleInfo, node: Node | null): string | null {
    if (!node) return null;
    const n = unparen(node);
    if (n.type === "identifier") return this.qualifyName(mod, n.text);
    if (n.type === "attribute") {
      const obj = this.qualify(mod, n.childForFieldName("object"));
      const attr = n.childForFieldName("attribute");
      return obj && attr ? `${obj}.${attr.text}` : null;
    }
    return null;
  }

  qualifyName(mod: ModuleInfo, name: string): string | null {
    const def = mod.definitions.get(name);
    const imp = mod.imports.get(name);
    // A def or class after an import of the same name shadows it; plain values rarely do on purpose.
    if (def && (def.kind !== "value" || !imp)) return mod.name ? `${mod.name}.${name}` : name;
    if (imp) return imp.target;
    if (def) return mod.name ? `${mod.name}.${name}` : name;
    for (const star of mod.starImports) {
      const m = this.findModule(star, mod);
      if (m?.definitions.has(name)) return `${m.name}.${name}`;
    }
    if (BUILTIN_NAMES.has(name)) return `builtins.${name}`;
    return null;
  }

  /**
   * The project definition a qualified name refers to, following re-exports (`from .x import y` in `__init__`).
   * Memoised per asking module: the rules ask about the same few names (`fastapi.Depends`, `app.deps.get_db`) for
   * every call and parameter, and each lookup tries every dotted prefix against the index.
   */
  resolveSymbol(qualified: string, from: ModuleInfo | null = null, depth = 0): ResolvedSymbol | null {
    if (depth > 0) return this.lookupSymbol(qualified, from, depth);
    let byName = this.symbolMemo.get(from);
    if (!byName) this.symbolMemo.set(from, (byName = new Map()));
    // Answered before making the closure: most calls are answered.
    const known = byName.get(qualified);
    if (known !== undefined) return known;
    return this.memoised(byName, qualified, () => this.lookupSymbol(qualified, from, 0));
  }

  private lookupSymbol(qualified: string, from: ModuleInfo | null, depth: number): ResolvedSymbol | null {
    if (this.tooDeep(depth)) return null;
    const parts = qualified.split(".");
    for (let cut = parts.length; cut >= 1; cut--) {
      const mod = this.findModule(parts.slice(0, cut).join("."), from);
      if (!mod) continue;
      const rest = parts.slice(cut);
      if (rest.length === 0) return { module: mod, name: mod.name, def: { kind: "module" } };
      const head = rest[0]!;
      const def = mod.definitions.get(head);
      if (def && rest.length === 1) return { module: mod, name: head, def };
      const imp = mod.imports.get(head);
      if (imp && imp.target !== qualified) {
        return this.resolveSymbol([imp.target, ...rest.slice(1)].join("."), mod, depth + 1);
      }
      // A package `__init__` that re-exports with `from .base import *`.
      if (!def && !imp) {
        for (const star of mod.starImports) {
          const m = this.findModule(star, mod);
          if (m && m !== mod && (m.definitions.has(head) || m.imports.has(head))) return this.resolveSymbol([m.name, ...rest].join("."), m, depth + 1);
        }
      }
      if (def && def.kind === "class" && rest.length === 2) {
        const method = this.methodOf(def.cls, rest[1]!);
        if (method) return { module: mod, name: rest[1]!, def: { kind: "function", fn: method } };
      }
      // `db = Database()` at module level, then `Depends(db.get_session)`: a method of the instance's class.
      if (def && def.kind === "value" && rest.length === 2 && unparen(def.value).type === "call") {
        const ctor = this.qualify(mod, unparen(def.value).childForFieldName("function"));
        const r = ctor && ctor !== qualified ? this.resolveSymbol(ctor, mod, depth + 1) : null;
        const method = r?.def.kind === "class" ? this.inheritedMethod(r.def.cls, rest[1]!) : null;
        if (method) return { module: method.module, name: rest[1]!, def: { kind: "function", fn: method } };
      }
      return null;
    }
    return null;
  }

  /**
   * Follows project re-exports to the name they stand for: `app.db.Session`, where `app/db.py` does
   * `from sqlalchemy.orm import Session`, is `sqlalchemy.orm.Session`. Names the project defines stay as they are.
   */
  canonical(qualified: string, from: ModuleInfo | null = null, depth = 0): string {
    if (depth > 0) return this.lookupCanonical(qualified, from, depth);
    let byName = this.canonicalMemo.get(from);
    if (!byName) this.canonicalMemo.set(from, (byName = new Map()));
    const known = byName.get(qualified);
    if (known != null) return known;
    return this.memoised(byName, qualified, () => this.lookupCanonical(qualified, from, 0))!;
  }

  private lookupCanonical(qualified: string, from: ModuleInfo | null, depth: number): string {
    if (this.tooDeep(depth)) return qualified;
    const parts = qualified.split(".");
    for (let cut = parts.length - 1; cut >= 1; cut--) {
      const mod = this.findModule(parts.slice(0, cut).join("."), from);
      if (!mod) continue;
      const head = parts[cut]!;
      const imp = mod.imports.get(head);
      if (!imp || mod.definitions.has(head) || imp.target === qualified) return qualified;
      return this.canonical([imp.target, ...parts.slice(cut + 1)].join("."), mod, depth + 1);
    }
    return qualified;
  }

  /** The project definition an expression names (identifier, attribute chain, or `self.method`). */
  resolve(mod: ModuleInfo, node: Node | null, scope?: Scope): ResolvedSymbol | null {
    if (!node) return null;
    const n = unparen(node);
    if (scope && n.type === "attribute") {
      const obj = n.childForFieldName("object");
      const attr = n.childForFieldName("attribute");
      if (obj?.type === "identifier" && (obj.text === "self" || obj.text === "cls") && attr) {
        const cls = enclosingClass(scope);
        const method = cls ? this.methodOf(cls, attr.text) : null;
        if (method) return { module: mod, name: attr.text, def: { kind: "function", fn: method } };
      }
    }
    const q = this.qualify(mod, n);
    return q ? this.resolveSymbol(q, mod) : null;
  }

  /** The project function an expression names, if any. */
  functionFor(mod: ModuleInfo, node: Node | null, scope?: Scope): FunctionInfo | null {
    // A def nested in the calling function (route factories: `async def h(): ...; router.add_api_route("/", h)`).
    if (scope && node && unparen(node).type === "identifier") {
      const local = enclosingDef(mod, scope, unparen(node).text);
      if (local) return local;
    }
    const r = this.resolve(mod, node, scope);
    return r?.def.kind === "function" ? r.def.fn : null;
  }

  /** The project class an expression names, if any. */
  classFor(mod: ModuleInfo, node: Node | null): ClassInfo | null {
    const r = this.resolve(mod, node);
    return r?.def.kind === "class" ? r.def.cls : null;
  }

  methodOf(cls: ClassInfo, name: string): FunctionInfo | null {
    for (const fn of cls.module.functions) if (fn.outer === cls.scope && fn.name === name) return fn;
    return null;
  }

  /** A method of a class or, failing that, of its project base classes (nearest first). */
  inheritedMethod(cls: ClassInfo, name: string, depth = 0): FunctionInfo | null {
    const own = this.methodOf(cls, name);
    if (own || this.tooDeep(depth)) return own;
    for (const base of cls.bases) {
      const parent = this.classFor(cls.module, base);
      const found = parent && parent !== cls ? this.inheritedMethod(parent, name, depth + 1) : null;
      if (found) return found;
    }
    return null;
  }

  /** Whether a class is a Pydantic model (or SQLModel), directly or through project base classes. */
  isModelClass(cls: ClassInfo, depth = 0): boolean {
    const memo = this.modelMemo.get(cls);
    if (memo !== undefined) return memo;
    if (this.tooDeep(depth)) return false;
    this.modelMemo.set(cls, false);
    let result = false;
    for (const base of cls.bases) {
      const b = base.type === "subscript" ? base.childForFieldName("value") : base;
      const q = this.qualify(cls.module, b);
      if (q && MODEL_BASES.has(q)) result = true;
      else {
        const parent = this.classFor(cls.module, b);
        if (parent && this.isModelClass(parent, depth + 1)) result = true;
      }
      if (result) break;
    }
    this.modelMemo.set(cls, result);
    return result;
  }

  /** Route handlers of the whole project (RULES.md "Route handler"), in file order. */
  routes(): RouteInfo[] {
    if (this.routeList) return this.routeList;
    const out: RouteInfo[] = [];
    for (const mod of this.modules) {
      for (const fn of mod.functions) {
        for (const dec of fn.decorators) {
          const r = this.routeCall(mod, fn, dec);
          if (r) out.push(r);
        }
      }
      // Routes registered by a call need `X.get(...)(handler)` (a call's closing parenthesis followed by another
      // call's arguments) or `add_api_route` in the text: only the calls found there are read.
      for (const fact of registrationCalls(mod)) {
        const call = fact.node;
        const callee = call.childForFieldName("function");
        if (!callee) continue;
        // `router.get("/x")(handler)`: a route decorator applied by a call.
        if (callee.type === "call" && call.parent?.type !== "decorator") {
          const args = callArguments(call);
          const target = args.positional[0];
          const fn = target ? this.functionFor(mod, target, fact.scope) : null;
          if (fn) {
            const r = this.routeCall(mod, fn, callee);
            if (r) out.push(r);
          }
          continue;
        }
        if (callee.type !== "attribute") continue;
        const attr = callee.childForFieldName("attribute")?.text;
        if (attr !== "add_api_route" && attr !== "add_api_websocket_route") continue;
        const args = callArguments(call);
        const endpoint = argument(args, 1, "endpoint");
        const fn = endpoint ? this.functionFor(mod, endpoint, fact.scope) : null;
        if (!fn) continue;
        out.push({
          fn,
          module: fn.module,
          kind: attr === "add_api_route" ? "http" : "websocket",
          method: attr,
          call,
          router: callee.childForFieldName("object"),
          args,
        });
      }
    }
    const seen = new Set<FunctionInfo>();
    this.routeList = out.filter((r) => (seen.has(r.fn) ? false : (seen.add(r.fn), true)));
    return this.routeList;
  }

  private routeCall(mod: ModuleInfo, fn: FunctionInfo, expr: Node): RouteInfo | null {
    if (expr.type !== "call") return null;
    let callee = expr.childForFieldName("function");
    // `get = router.get` at module level, then `@get("/items")`.
    if (callee?.type === "identifier") {
      const def = mod.definitions.get(callee.text);
      if (def?.kind === "value" && unparen(def.value).type === "attribute") callee = unparen(def.value);
    }
    if (callee?.type !== "attribute") return null;
    const method = callee.childForFieldName("attribute")?.text ?? "";
    const http = HTTP_ROUTE_METHODS.has(method);
    if (!http && !WEBSOCKET_ROUTE_METHODS.has(method)) return null;
    const args = callArguments(expr);
    // Every router method needs a path: `cache.get()` and friends are not routes.
    if (args.positional.length === 0 && !args.keywords.has("path") && !args.hasSplat) return null;
    return { fn, module: mod, kind: http ? "http" : "websocket", method, call: expr, router: callee.childForFieldName("object"), args };
  }

  /** The route a function is the handler of, if any. */
  routeOf(fn: FunctionInfo): RouteInfo | null {
    for (const r of this.routes()) if (r.fn === fn) return r;
    return null;
  }

  /** Whether `call` is `Depends(...)` or `Security(...)` from FastAPI. */
  dependencyCall(mod: ModuleInfo, node: Node | null): DependencyInfo | null {
    if (!node) return null;
    const n = unparen(node);
    if (n.type !== "call") return null;
    const q = this.qualify(mod, n.childForFieldName("function"));
    if (!q) return null;
    const last = q.slice(q.lastIndexOf(".") + 1);
    if ((last !== "Depends" && last !== "Security") || !(q.startsWith("fastapi") || q === last)) return null;
    const args = callArguments(n);
    return { kind: last, call: n, target: argument(args, 0, "dependency"), module: mod };
  }

  /**
   * `Depends(...)`/`Security(...)`, or a call to a project function that returns one: a dependency factory such as
   * `Annotated[Role, RoleACL(require_workspace="yes")]` or `user = require_role("admin")`, whose `def` ends in
   * `return Depends(checker)`. FastAPI sees the `Depends` the call returns.
   */
  dependencyMarker(mod: ModuleInfo, node: Node | null, depth = 0): DependencyInfo | null {
    const direct = this.dependencyCall(mod, node);
    if (direct || !node || this.tooDeep(depth)) return direct;
    const n = unparen(node);
    if (n.type !== "call") return null;
    const factory = this.functionFor(mod, n.childForFieldName("function"));
    if (!factory || factory.isAsync) return null;
    // A factory that returns itself ends at the cycle guard.
    return this.memoised(
      this.factoryMemo,
      factory,
      () => {
        for (const fact of factsOf(factory.scope).returns) {
          const found = this.dependencyMarker(factory.module, fact.node.namedChild(0), depth + 1);
          if (found) return found;
        }
        return null;
      },
      { cycles: true, keepFound: true },
    );
  }

  /**
   * Peels an annotation down to its type: `Annotated[T, ...]`, `Optional[T]`, `T | None`, string
   * annotations and project type aliases (`SessionDep = Annotated[Session, Depends(get_db)]`, in any module).
   * Returns the type node, the module it is written in, and the `Depends`/`Security` found on the way.
   */
  unwrapAnnotation(mod: ModuleInfo, ann: Node | null, depth = 0): UnwrappedAnnotation {
    if (!ann || this.tooDeep(depth)) return { type: ann, module: mod, dependency: null };
    // Several rules and checklist items ask about every parameter of every route, and every use of a project alias
    // (`db: SessionDep`) unwraps the alias's value again at depth 1: unwrap each annotation once per depth (the
    // depth limit makes the result depend on it).
    const byId = (this.annotationMemo[depth] ??= new Map());
    let memo = byId.get(ann.id);
    if (!memo) byId.set(ann.id, (memo = this.unwrapAnnotationOnce(mod, ann, depth)));
    return memo;
  }

  private unwrapAnnotationOnce(mod: ModuleInfo, ann: Node, depth: number): UnwrappedAnnotation {
    const n = unwrapType(ann);
    const generic = genericParts(n);
    if (generic) {
      const q = this.qualify(mod, generic.base);
      const subs = generic.args;
      if (q && ANNOTATED.has(q) && subs[0]) {
        let dependency: DependencyInfo | null = null;
        for (const meta of subs.slice(1)) dependency ??= this.dependencyMarker(mod, meta, depth + 1);
        const inner = this.unwrapAnnotation(mod, subs[0], depth + 1);
        return { type: inner.type, module: inner.module, dependency: dependency ?? inner.dependency };
      }
      if (q && OPTIONAL.has(q) && subs[0]) return this.unwrapAnnotation(mod, subs[0], depth + 1);
      if (q && UNION.has(q)) {
        const real = subs.filter((s) => s.type !== "none");
        if (real.length === 1) return this.unwrapAnnotation(mod, real[0]!, depth + 1);
      }
      return { type: n, module: mod, dependency: null };
    }
    if (n.type === "binary_operator" && n.childForFieldName("operator")?.text === "|") {
      const parts = [n.childForFieldName("left"), n.childForFieldName("right")].filter((x): x is Node => !!x);
      const real = parts.filter((p) => unparen(p).type !== "none");
      if (real.length === 1) return this.unwrapAnnotation(mod, real[0]!, depth + 1);
      return { type: n, module: mod, dependency: null };
    }
    if (n.type === "identifier" || n.type === "attribute") {
      const r = this.resolve(mod, n);
      if (r?.def.kind === "value") return this.unwrapAnnotation(r.module, r.def.value, depth + 1);
    }
    return { type: n, module: mod, dependency: null };
  }

  /** The `Depends`/`Security` that fills a parameter: in its default, or in its (aliased) annotation. */
  parameterDependency(fn: FunctionInfo, param: ParamInfo): DependencyInfo | null {
    // Asked for every parameter of every route by several rules; an aliased annotation resolves across modules.
    const memo = this.paramDepMemo.get(param);
    if (memo !== undefined) return memo;
    const dep = this.dependencyMarker(fn.module, param.default) ?? this.unwrapAnnotation(fn.module, param.annotation).dependency;
    this.paramDepMemo.set(param, dep);
    return dep;
  }

  /** What a parameter holds: from its annotation, else from what its `Depends` target returns or yields. */
  parameterTag(fn: FunctionInfo, param: ParamInfo, depth = 0): ValueTag | null {
    return this.memoised(this.paramTagMemo, param, () => this.computeParameterTag(fn, param, depth));
  }

  private computeParameterTag(fn: FunctionInfo, param: ParamInfo, depth: number): ValueTag | null {
    const unwrapped = this.unwrapAnnotation(fn.module, param.annotation);
    const fromType = this.typeTag(unwrapped.module, unwrapped.type);
    if (fromType) return fromType;
    const dep = this.parameterDependency(fn, param);
    if (dep?.target) {
      const target = this.functionFor(dep.module, dep.target);
      if (target) return this.functionTag(target, depth + 1);
    }
    return null;
  }

  /** The tag of a type expression: `Session` -> sync-session, `AsyncSession` -> async-session. */
  typeTag(mod: ModuleInfo, type: Node | null, depth = 0): ValueTag | null {
    if (!type || this.tooDeep(depth)) return null;
    const n = unwrapType(type);
    if (n.type === "string") {
      const q = this.qualifyName(mod, n.text.replace(/^['"]|['"]$/g, "").trim());
      return q ? tagOfTypeName(this.canonical(q, mod)) : null;
    }
    const generic = genericParts(n);
    if (generic) {
      // Generator[Session, None, None], Iterator[Session], AsyncGenerator[AsyncSession, None], Annotated[...]
      const q = this.qualify(mod, generic.base) ?? "";
      const name = q.slice(q.lastIndexOf(".") + 1);
      if (/^(Async)?(Generator|Iterator|Iterable)$/.test(name) || ANNOTATED.has(q) || OPTIONAL.has(q)) {
        const first = generic.args[0];
        return first ? this.typeTag(mod, first, depth + 1) : null;
      }
      return null;
    }
    if (n.type === "binary_operator") {
      const parts = [n.childForFieldName("left"), n.childForFieldName("right")].filter((x): x is Node => !!x && unwrapType(x).type !== "none");
      return parts.length === 1 ? this.typeTag(mod, parts[0]!, depth + 1) : null;
    }
    const q = this.qualify(mod, n);
    if (q) {
      const direct = tagOfTypeName(this.canonical(q, mod));
      if (direct) return direct;
    }
    // A project alias: `SessionDep = Annotated[Session, Depends(get_db)]`.
    const r = this.resolve(mod, n);
    if (r?.def.kind === "value") return this.typeTag(r.module, r.def.value, depth + 1);
    return null;
  }

  /** What a project function returns or yields (dependencies, session factories, context managers). */
  functionTag(fn: FunctionInfo, depth = 0): ValueTag | null {
    if (this.fnTagMemo.has(fn)) return this.fnTagMemo.get(fn)!;
    if (this.tooDeep(depth)) return null;
    this.fnTagMemo.set(fn, null);
    let tag = fn.returns ? this.typeTag(fn.module, fn.returns) : null;
    if (!tag) {
      const own = factsOf(fn.scope);
      for (const fact of [...own.yields, ...own.returns]) {
        const value = fact.node.type === "yield" ? fact.node.namedChild(0) : fact.node.namedChild(0);
        const t = value ? this.valueTag(fn.module, fact.scope, value, depth + 1) : null;
        if (t === "sync-session" || t === "async-session") {
          tag = t;
          break;
        }
      }
    }
    this.fnTagMemo.set(fn, tag);
    return tag;
  }

  private tooDeep(depth: number): boolean {
    if (depth <= MAX_DEPTH) return false;
    this.cutoffs++;
    return true;
  }

  /**
   * `memo`'s answer for `key`, else `compute()`'s, remembered only when no depth cutoff shaped it: asked from closer,
   * the answer may differ. With `cycles`, null stands in while the answer is worked out, so a lookup that comes back
   * to the same key ends there. With `keepFound`, a non-null answer is kept even so (a `Depends` found is found).
   */
  private memoised<K, V>(memo: Map<K, V | null>, key: K, compute: () => V | null, opts: { cycles?: boolean; keepFound?: boolean } = {}): V | null {
    const known = memo.get(key);
    if (known !== undefined) return known;
    if (opts.cycles) memo.set(key, null);
    const cutoffs = this.cutoffs;
    const answer = compute();
    if (this.cutoffs === cutoffs || (opts.keepFound && answer !== null)) memo.set(key, answer);
    else memo.delete(key);
    return answer;
  }

  /**
   * What an expression evaluates to, as far as the rules care: a sync session, a requests.Session, ... Memoised by
   * scope and node: the rules ask again for every use of a local (`repo = Repo(db)`, then `repo.x()` ten times).
   */
  valueTag(mod: ModuleInfo, scope: Scope, expr: Node | null, depth = 0): ValueTag | null {
    if (!expr || this.tooDeep(depth)) return null;
    let byNode = this.valueTagMemo.get(scope);
    if (!byNode) this.valueTagMemo.set(scope, (byNode = new Map()));
    const known = byNode.get(expr.id);
    if (known !== undefined) return known;
    return this.memoised(byNode, expr.id, () => this.computeValueTag(mod, scope, expr, depth));
  }

  private computeValueTag(mod: ModuleInfo, scope: Scope, expr: Node, depth: number): ValueTag | null {
    const n = unparen(expr);
    if (n.type === "call") {
      const callee = n.childForFieldName("function");
      const q = this.qualify(mod, callee);
      // `db = next(get_db())`: the first value the generator dependency yields.
      if (q === "builtins.next") return this.valueTag(mod, scope, callArguments(n).positional[0] ?? null, depth + 1);
      if (q) {
        const direct = tagOfTypeName(this.canonical(q, mod));
        if (direct) return direct === "sync-sessionmaker" || direct === "async-sessionmaker" ? this.makerTag(mod, n, direct) : direct;
      }
      const calleeTag = callee ? this.valueTag(mod, scope, callee, depth + 1) : null;
      if (calleeTag === "sync-sessionmaker") return "sync-session";
      if (calleeTag === "async-sessionmaker") return "async-session";
      // `with SessionLocal.begin() as s`: the factory's `begin()` yields a new session inside a transaction.
      if (callee?.type === "attribute" && callee.childForFieldName("attribute")?.text === "begin") {
        const maker = this.valueTag(mod, scope, callee.childForFieldName("object"), depth + 1);
        if (maker === "sync-sessionmaker") return "sync-session";
        if (maker === "async-sessionmaker") return "async-session";
      }
      const fn = this.functionFor(mod, callee, scope) ?? this.contextManagerTarget(mod, callee) ?? this.instanceMethod(mod, scope, callee, depth + 1);
      if (fn) {
        const t = this.functionTag(fn, depth + 1);
        if (t === "sync-session" || t === "async-session") return t;
      }
      return null;
    }
    if (n.type === "identifier") return this.nameTag(mod, scope, n.text, n.startIndex, depth + 1);
    if (n.type === "attribute") {
      // `self.session` / `cls.client` inside a method: what the class stores under that name.
      const obj = n.childForFieldName("object");
      const attr = n.childForFieldName("attribute")?.text;
      if (obj?.type === "identifier" && (obj.text === "self" || obj.text === "cls") && attr) {
        const cls = enclosingClass(scope);
        return cls ? this.attributeTag(cls, attr, depth + 1) : null;
      }
      // `request.state.db`, `request.app.state.maker`: what the project stores in that state slot.
      const slot = stateSlot(n);
      if (slot) return this.stateTag(slot.owner, slot.name, depth + 1);
      const r = this.resolve(mod, n);
      if (r?.def.kind === "value") return this.valueTag(r.module, r.module.moduleScope, r.def.value, depth + 1);
      // `repo.session`, `self.repo.session`: what the project class of the object binds to that name.
      if (attr && !r && (obj?.type === "identifier" || obj?.type === "attribute")) {
        const owner = this.instanceOf(mod, scope, obj, depth + 1);
        if (owner) return this.attributeTag(owner, attr, depth + 1);
      }
      // `db.session` of FastAPI-SQLAlchemy: the request's sync session, reached through a library global.
      const q = r ? null : this.qualify(mod, n);
      if (q && SYNC_SESSION_VALUES.has(this.canonical(q, mod))) return "sync-session";
    }
    return null;
  }

  /**
   * What Starlette's state holds under a name: a middleware's `request.state.db = SessionLocal()`, a lifespan's
   * `app.state.maker = async_sessionmaker(...)`. Every assignment to that slot outside tests (request state and app
   * state apart, whatever the owner is called) must give the same tag, `None` aside; one we cannot follow gives none.
   * Built once per slot.
   */
  stateTag(owner: "request" | "app", name: string, depth = 0): ValueTag | null {
    const key = `${owner}:${name}`;
    if (this.stateTagMemo.has(key)) return this.stateTagMemo.get(key)!;
    if (this.tooDeep(depth)) return null;
    return this.memoised(this.stateTagMemo, key, () => this.computeStateTag(owner, name, depth), { cycles: true });
  }

  private computeStateTag(owner: "request" | "app", name: string, depth: number): ValueTag | null {
    const assigned = new RegExp(`\\.\\s*state\\s*\\.\\s*${name}\\s*(?::[^=\\n]*)?=(?!=)`, "g");
    const tags = new Set<ValueTag | null>();
    for (const mod of this.modules) {
      if (mod.isTest || !mod.file.content.includes(name)) continue;
      assigned.lastIndex = 0;
      if (!assigned.test(mod.file.content)) continue;
      for (const fact of factsOfScopes(scopesMatching(mod, assigned)).assignments) {
        const left = fact.node.childForFieldName("left");
        const target = left?.type === "attribute" ? stateSlot(left) : null;
        if (!target || target.owner !== owner || target.name !== name) continue;
        let value = fact.node.childForFieldName("right");
        while (value?.type === "assignment") value = value.childForFieldName("right");
        if (!value || unparen(value).type === "none") continue;
        tags.add(this.valueTag(mod, fact.scope, value, depth + 1));
      }
    }
    return tags.size === 1 ? [...tags][0]! : null;
  }

  /**
   * What `self.X` / `cls.X` holds in the methods of a class: the tag every binding of `X` in the class agrees on.
   * Bindings are the class-level `X: T` / `X = v` and `self.X = v` / `self.X: T = v` in any method (the value
   * evaluated in that method's scope, so `def __init__(self, session: Session): self.session = session` gives a sync
   * session). Declared types (`X: Session`, `self.X: Session = ...`) decide when present; otherwise every assigned value
   * but `None` must give the same tag, and one we cannot follow gives none (precision first). A class that binds `X`
   * nowhere takes it from its project base classes (nearest first). Built per class and name once, on demand.
   */
  attributeTag(cls: ClassInfo, name: string, depth = 0): ValueTag | null {
    let byName = this.attrTagMemo.get(cls);
    if (!byName) this.attrTagMemo.set(cls, (byName = new Map()));
    if (byName.has(name)) return byName.get(name)!;
    if (this.tooDeep(depth)) return null;
    return this.memoised(byName, name, () => this.computeAttributeTag(cls, name, depth), { cycles: true });
  }

  private computeAttributeTag(cls: ClassInfo, name: string, depth: number): ValueTag | null {
    const sources = this.attributeSources(cls).get(name);
    if (!sources) {
      // `@property def session(self) -> Session`: what the property returns.
      const prop = this.methodOf(cls, name);
      if (prop) return prop.decorators.some((d) => d.text === "property") ? this.functionTag(prop, depth + 1) : null;
      for (const parent of this.projectBases(cls)) {
        const t = this.attributeTag(parent, name, depth + 1);
        // The nearest base that binds the name decides, even when what it binds is unknown.
        if (t || this.attributeSources(parent).has(name)) return t;
      }
      return null;
    }
    const mod = cls.module;
    const declared = sources.filter((s) => s.type);
    const tags = new Set<ValueTag | null>();
    if (declared.length) {
      for (const s of declared) tags.add(this.typeTag(mod, s.type));
    } else {
      for (const s of sources) {
        if (!s.value || unparen(s.value).type === "none") continue;
        const dep = this.dependencyCall(mod, s.value);
        const target = dep?.target ? this.functionFor(dep.module, dep.target) : null;
        tags.add(target ? this.functionTag(target, depth + 1) : this.valueTag(mod, s.scope, s.value, depth + 1));
      }
    }
    return tags.size === 1 ? [...tags][0]! : null;
  }

  /** Every binding of each attribute name in a class's body and its methods' own scopes. */
  private attributeSources(cls: ClassInfo): Map<string, AttributeSource[]> {
    let byName = this.attrSourceMemo.get(cls);
    if (byName) return byName;
    byName = new Map();
    const methods = new Map<Scope, string>();
    for (const fn of cls.module.functions) {
      if (fn.outer !== cls.scope) continue;
      const first = fn.params[0];
      // The receiver is the first parameter (`self`, `cls`, or any other name); static methods bind nothing.
      if (first && !first.splat && !fn.decorators.some((d) => d.text === "staticmethod")) methods.set(fn.scope, first.name);
    }
    const add = (name: string, source: AttributeSource) => {
      let list = byName!.get(name);
      if (!list) byName!.set(name, (list = []));
      list.push(source);
    };
    // The class body's and its methods' own assignments, in source order.
    const assignments = [cls.scope, ...methods.keys()].flatMap((s) => factsOf(s).assignments).sort((a, b) => a.node.startIndex - b.node.startIndex);
    for (const fact of assignments) {
      const left = fact.node.childForFieldName("left");
      if (!left) continue;
      let right = fact.node.childForFieldName("right");
      while (right?.type === "assignment") right = right.childForFieldName("right");
      const source = { scope: fact.scope, type: fact.node.childForFieldName("type"), value: right ?? null };
      if (fact.scope === cls.scope) {
        if (left.type === "identifier") add(left.text, source);
        continue;
      }
      const receiver = methods.get(fact.scope);
      if (!receiver || left.type !== "attribute") continue;
      const obj = left.childForFieldName("object");
      const attr = left.childForFieldName("attribute");
      if (obj?.type === "identifier" && obj.text === receiver && attr) add(attr.text, source);
    }
    this.attrSourceMemo.set(cls, byName);
    return byName;
  }

  /**
   * `manager.create_session()` where `manager` holds an instance of a project class: a local bound by the class's
   * constructor or by a project function annotated to return the class, or a parameter annotated with it. The
   * method is then known (`with manager.create_session() as s` yields what that method yields).
   */
  private instanceMethod(mod: ModuleInfo, scope: Scope, callee: Node | null, depth: number): FunctionInfo | null {
    if (callee?.type !== "attribute" || this.tooDeep(depth)) return null;
    const attr = callee.childForFieldName("attribute")?.text;
    const cls = attr ? this.instanceClass(mod, scope, callee.childForFieldName("object"), depth + 1) : null;
    return cls ? this.inheritedMethod(cls, attr!) : null;
  }

  /**
   * The project class an expression is an instance of: a constructor call, a function annotated to return the
   * class, a parameter annotated with it, a local or module-level name bound to one, and also a module-level value
   * of another module (`from app.core.config import settings`, `config.settings`).
   */
  instanceOf(mod: ModuleInfo, scope: Scope, expr: Node | null, depth = 0): ClassInfo | null {
    const direct = this.instanceClass(mod, scope, expr, depth);
    if (direct || !expr || this.tooDeep(depth)) return direct;
    const n = unparen(expr);
    if (n.type !== "identifier" && n.type !== "attribute") return null;
    const r = this.resolve(mod, n);
    if (r?.def.kind !== "value" || (r.module === mod && n.type === "identifier")) return null;
    return this.instanceOf(r.module, r.module.moduleScope, r.def.value, depth + 1);
  }

  private instanceClass(mod: ModuleInfo, scope: Scope, expr: Node | null, depth: number): ClassInfo | null {
    if (!expr || this.tooDeep(depth)) return null;
    const n = unparen(expr);
    if (n.type === "call") {
      const callee = n.childForFieldName("function");
      const cls = this.classFor(mod, callee);
      if (cls) return cls;
      const fn = this.functionFor(mod, callee, scope);
      return fn?.returns ? this.classFor(fn.module, unwrapType(fn.returns)) : null;
    }
    if (n.type === "attribute") {
      // `self.repo` inside a method: the project class the enclosing class binds `repo` to.
      const obj = n.childForFieldName("object");
      const attr = n.childForFieldName("attribute")?.text;
      if (obj?.type !== "identifier" || (obj.text !== "self" && obj.text !== "cls") || !attr) return null;
      const cls = enclosingClass(scope);
      return cls ? this.attributeClass(cls, attr, depth + 1) : null;
    }
    if (n.type !== "identifier" || n.text === "self" || n.text === "cls") return null;
    for (let s: Scope | null = scope; s; s = s.parent) {
      if (s.kind === "class") continue;
      if (s.kind === "function" && s.fn) {
        const param = s.fn.params.find((p) => p.name === n.text);
        if (param) {
          // `repo: UserRepo`, `repo: Annotated[UserRepo, Depends()]`, `repo: RepoDep`, `repo: UserRepo | None`.
          const u = param.annotation ? this.unwrapAnnotation(mod, param.annotation, depth + 1) : null;
          return u?.type ? this.classFor(u.module, u.type) : null;
        }
      }
      const local = this.localBinding(s, n.text, n.startIndex);
      if (local !== undefined) return local ? this.instanceClass(mod, s, local, depth + 1) : null;
      if (s.kind === "module") break;
    }
    return null;
  }

  /** A class's direct base classes that the project defines, nearest first (`class UserRepo(BaseRepo[User])` gives `BaseRepo`). */
  private projectBases(cls: ClassInfo): ClassInfo[] {
    const out: ClassInfo[] = [];
    for (const base of cls.bases) {
      const b = unparen(base);
      const parent = this.classFor(cls.module, b.type === "subscript" ? b.childForFieldName("value") : b);
      if (parent && parent !== cls) out.push(parent);
    }
    return out;
  }

  /**
   * The project class `self.X` holds in the methods of a class, decided like `attributeTag`: declared types
   * (`X: UserRepo`, `self.X: UserRepo = ...`) when present, else every assigned value but `None` (`self.X =
   * UserRepo(session)`, an `__init__` parameter annotated `UserRepo`) must give the same class; the nearest project
   * base class that binds `X` decides for a class that does not.
   */
  private attributeClass(cls: ClassInfo, name: string, depth: number): ClassInfo | null {
    let byName = this.attrClassMemo.get(cls);
    if (!byName) this.attrClassMemo.set(cls, (byName = new Map()));
    if (byName.has(name)) return byName.get(name)!;
    if (this.tooDeep(depth)) return null;
    byName.set(name, null);
    let found: ClassInfo | null = null;
    const sources = this.attributeSources(cls).get(name);
    if (!sources) {
      // The nearest base that binds the name decides.
      const parent = this.projectBases(cls).find((p) => this.attributeSources(p).has(name));
      if (parent) found = this.attributeClass(parent, name, depth + 1);
    } else {
      const declared = sources.filter((s) => s.type);
      const classes = new Set<ClassInfo | null>();
      if (declared.length) {
        for (const s of declared) {
          const u = this.unwrapAnnotation(cls.module, s.type, depth + 1);
          classes.add(u.type ? this.classFor(u.module, u.type) : null);
        }
      } else {
        for (const s of sources) {
          if (!s.value || unparen(s.value).type === "none") continue;
          classes.add(this.instanceOf(cls.module, s.scope, s.value, depth + 1));
        }
      }
      found = classes.size === 1 ? [...classes][0]! : null;
    }
    byName.set(name, found);
    return found;
  }

  /**
   * `get_db = contextmanager(get_session)` at module level: calling `get_db()` (in `with get_db() as db`) yields
   * what the wrapped generator yields, exactly as the `@contextmanager`-decorated form does.
   */
  private contextManagerTarget(mod: ModuleInfo, callee: Node | null): FunctionInfo | null {
    const r = this.resolve(mod, callee);
    if (r?.def.kind !== "value" || r.def.value.type !== "call") return null;
    const q = this.qualify(r.module, r.def.value.childForFieldName("function"));
    if (q !== "contextlib.contextmanager" && q !== "contextlib.asynccontextmanager") return null;
    return this.functionFor(r.module, callArguments(r.def.value).positional[0] ?? null);
  }

  /** `sessionmaker(..., class_=AsyncSession)` makes async sessions whatever its name says. */
  private makerTag(mod: ModuleInfo, call: Node, tag: ValueTag): ValueTag {
    const args = callArguments(call);
    const cls = args.keywords.get("class_");
    if (cls) {
      const q = this.qualify(mod, cls);
      if (q && ASYNC_SESSION_TYPES.has(q)) return "async-sessionmaker";
    }
    // scoped_session(sessionmaker(...)) wraps a factory: the result makes sessions of the same kind.
    const inner = args.positional[0];
    if (inner && unparen(inner).type === "call") {
      const q = this.qualify(mod, unparen(inner).childForFieldName("function"));
      if (q && ASYNC_SESSIONMAKERS.has(q)) return "async-sessionmaker";
    }
    return tag;
  }

  /** The tag of a name as bound in a scope: parameter, local assignment, `with ... as name`, or module level. */
  nameTag(mod: ModuleInfo, scope: Scope, name: string, before: number, depth = 0): ValueTag | null {
    if (this.tooDeep(depth)) return null;
    for (let s: Scope | null = scope; s; s = s.parent) {
      if (s.kind === "class") continue;
      if (s.kind === "module") break;
      if (s.kind === "function" && s.fn) {
        const param = s.fn.params.find((p) => p.name === name);
        if (param) return this.parameterTag(s.fn, param, depth + 1);
      }
      const local = this.localBinding(s, name, before);
      if (local !== undefined) return local ? this.valueTag(mod, s, local, depth + 1) : null;
    }
    return this.moduleNameTag(mod, name, depth);
  }

  /** The tag of a name at module level (its last module-level binding, else what it imports), memoised per module. */
  private moduleNameTag(mod: ModuleInfo, name: string, depth: number): ValueTag | null {
    let byName = this.moduleNameTagMemo.get(mod);
    if (!byName) this.moduleNameTagMemo.set(mod, (byName = new Map()));
    return this.memoised(byName, name, () => {
      // At module level the last binding counts wherever the name is read (functions run after the module loaded).
      const local = this.localBinding(mod.moduleScope, name, 0);
      if (local !== undefined) return local ? this.valueTag(mod, mod.moduleScope, local, depth + 1) : null;
      const r = this.resolveSymbol(this.qualifyName(mod, name) ?? "", mod);
      return r?.def.kind === "value" && r.module !== mod ? this.valueTag(r.module, r.module.moduleScope, r.def.value, depth + 1) : null;
    });
  }

  /**
   * The value last bound to a name in a scope before a position (`x = value`, `a = x = value`, `with v as x`; at
   * module level the position does not matter): undefined when the scope does not bind it, null when it binds it
   * to something we cannot follow (tuple unpacking, for targets).
   */
  localBinding(scope: Scope, name: string, before: number): Node | null | undefined {
    const list = this.bindingsOf(scope).get(name);
    if (!list) return undefined;
    let found: Node | null | undefined;
    let foundAt = -1;
    for (const b of list) {
      if (b.at >= before && scope.kind !== "module") continue;
      if (b.at > foundAt) {
        foundAt = b.at;
        found = b.value;
      }
    }
    return found;
  }

  /**
   * Simple name bindings (`x = value`, `with v as x`) of a scope, by name, built once per scope: name lookups
   * happen for every call argument the rules inspect, so a scan of the scope's assignments each time would be
   * quadratic in its size.
   */
  private bindingsOf(scope: Scope): Map<string, { at: number; value: Node | null }[]> {
    let byName = this.bindingMemo.get(scope);
    if (byName) return byName;
    byName = new Map();
    const add = (name: string, at: number, value: Node | null) => {
      let list = byName!.get(name);
      if (!list) byName!.set(name, (list = []));
      list.push({ at, value });
    };
    const facts = factsOf(scope);
    for (const fact of facts.assignments) {
      const left = fact.node.childForFieldName("left");
      if (left?.type !== "identifier") continue;
      let right = fact.node.childForFieldName("right");
      while (right?.type === "assignment") right = right.childForFieldName("right");
      add(left.text, fact.node.startIndex, right ?? null);
    }
    for (const fact of facts.withItems) {
      const value = fact.node.childForFieldName("value");
      if (value?.type !== "as_pattern") continue;
      const alias = value.childForFieldName("alias");
      const id = alias?.namedChild(0) ?? alias;
      if (id?.type !== "identifier") continue;
      add(id.text, fact.node.startIndex, value.namedChild(0));
    }
    this.bindingMemo.set(scope, byName);
    return byName;
  }

  /**
   * Whether a node is inside the arguments of a call that runs its callable off the event loop
   * (`run_in_threadpool(f, x)`, `loop.run_in_executor(None, f)`, `background_tasks.add_task(f)`), up to the
   * node's scope.
   */
  isOffloaded(mod: ModuleInfo, node: Node, scope: Scope): boolean {
    // Most modules never offload anything: a text check spares walking up the tree for every call.
    let mayOffload = this.offloadMemo.get(mod);
    if (mayOffload === undefined) this.offloadMemo.set(mod, (mayOffload = OFFLOAD_HINT.test(mod.file.content)));
    if (!mayOffload) return false;
    for (let p = node.parent; p && p !== scope.node; p = p.parent) {
      if (p.type !== "argument_list") continue;
      const call = p.parent;
      if (call?.type !== "call") continue;
      const callee = call.childForFieldName("function");
      const q = this.qualify(mod, callee);
      if (q && OFFLOAD_CALLS.has(q)) return true;
      if (callee?.type === "attribute" && OFFLOAD_METHODS.has(callee.childForFieldName("attribute")?.text ?? "")) return true;
    }
    return false;
  }
}

// A comment runs to the end of its line, so each character has one way to match: no backtracking blow-up.
const CALL_REGISTRATION_HINT = /\)(?:[\s\\]|#[^\n]*(?:\n|$))*\(|\badd_api_(?:websocket_)?route\b/g;

/**
 * The calls that may register a route: each call of a call (`router.get("/x")(handler)`: the inner call's `)`,
 * then the outer call's `(`) and each `add_api_route`/`add_api_websocket_route` call, found from the text and
 * checked against the tree, in source order.
 */
function registrationCalls(mod: ModuleInfo): Fact[] {
  const text = mod.file.content;
  const found = new Map<number, Fact>();
  CALL_REGISTRATION_HINT.lastIndex = 0;
  for (let m = CALL_REGISTRATION_HINT.exec(text); m; m = CALL_REGISTRATION_HINT.exec(text)) {
    let call: Node | null = null;
    if (m[0].startsWith(")")) {
      const at = m.index + m[0].length - 1;
      const paren = mod.root.descendantForIndex(at, at + 1);
      call = paren?.type === "(" ? (paren.parent?.parent ?? null) : null;
    } else {
      call = mod.root.descendantForIndex(m.index, m.index + m[0].length)?.parent?.parent ?? null;
    }
    if (call?.type === "call" && !found.has(call.id)) found.set(call.id, { node: call, scope: scopeOf(mod, call.startIndex) });
  }
  return [...found.values()].sort((a, b) => a.node.startIndex - b.node.startIndex);
}

function tagOfTypeName(q: string): ValueTag | null {
  if (SYNC_SESSION_TYPES.has(q)) return q.endsWith("scoped_session") ? "sync-sessionmaker" : "sync-session";
  if (ASYNC_SESSION_TYPES.has(q)) return q.endsWith("async_scoped_session") ? "async-sessionmaker" : "async-session";
  if (SYNC_SESSIONMAKERS.has(q)) return "sync-sessionmaker";
  if (ASYNC_SESSIONMAKERS.has(q)) return "async-sessionmaker";
  if (REQUESTS_SESSION_TYPES.has(q)) return "requests-session";
  if (HTTPX_CLIENT_TYPES.has(q)) return "httpx-client";
  return null;
}

/** The function named `name` defined in `scope` or an enclosing function scope (class bodies are not enclosing). */
function enclosingDef(mod: ModuleInfo, scope: Scope, name: string): FunctionInfo | null {
  for (let s: Scope | null = scope; s && s.kind !== "module"; s = s.parent) {
    if (s.kind === "class" && s !== scope) continue;
    let found: FunctionInfo | null = null;
    for (const fn of mod.functions) if (fn.outer === s && fn.name === name) found = fn;
    if (found) return found;
  }
  return null;
}

function enclosingClass(scope: Scope): ClassInfo | null {
  for (let s: Scope | null = scope; s; s = s.parent) {
    if (s.kind === "function" && s.fn && s.fn.outer.kind === "class") return s.fn.outer.cls;
    if (s.kind === "class") return s.cls;
  }
  return null;
}

/**
 * `<owner>.state.<name>`: a slot of Starlette's request state (`request.state.db`, `websocket.state.user`) or app
 * state (`app.state.engine`, `request.app.state.engine`).
 */
function stateSlot(n: Node): { owner: "request" | "app"; name: string } | null {
  if (n.type !== "attribute") return null;
  const name = n.childForFieldName("attribute")?.text;
  const state = n.childForFieldName("object");
  if (!name || state?.type !== "attribute" || state.childForFieldName("attribute")?.text !== "state") return null;
  const owner = state.childForFieldName("object");
  if (!owner) return null;
  const last = owner.type === "attribute" ? owner.childForFieldName("attribute")?.text : owner.text;
  return { owner: last === "app" ? "app" : "request", name };
}
