import type { SyntaxNode as Node } from "../python/flat-tree.js";
import { factsOf, factsOfScopes, scopesMatching, type FunctionInfo, type ModuleInfo, type Scope } from "../python/module.js";
import type { ProjectIndex } from "../python/project-index.js";
import { ASYNC_SESSION_TYPES, CONNECT_CALLS, SYNC_SESSION_TYPES } from "../python/names.js";
import { callArguments, isSampleDataPath, stringLiteral, unparen } from "../python/syntax.js";
import type { Rule, RuleHit } from "./types.js";
import { type FunctionUse, isMainGuarded, isScriptModule, localNames, runsAtImportOnly, servesRequests } from "./fapi001-scopes.js";

const CONTAINER_FACTORIES = new Set([
  "builtins.dict",
  "builtins.list",
  "builtins.set",
  "collections.defaultdict",
  "collections.OrderedDict",
  "collections.Counter",
  "collections.deque",
]);

const CONTAINER_LITERALS = new Set(["dictionary", "list", "set", "dictionary_comprehension", "list_comprehension", "set_comprehension"]);

const MUTATING_METHODS = new Set([
  "append", "extend", "insert", "pop", "popitem", "remove", "clear", "update", "setdefault", "add", "discard",
  "sort", "reverse", "appendleft", "popleft", "extendleft",
]);


export const fapi001: Rule = {
  code: "FAPI001",
  name: "global-state",
  antiPattern: "Global State",
  source: "anti-pattern",
  severity: "warning",
  message: "Module-level state shared by every request: hand it to handlers through a dependency instead",
  fix: "`Depends()`: provide the state or session from a dependency (a `yield` dependency for sessions and connections, `app.state` set in the lifespan for shared resources) instead of a module global.",
  docs: {
    what:
      "Flags module-level state that requests share: (1) a module-level dict/list/set (literal, comprehension, or `dict()`/`list()`/`set()`/`defaultdict()`/`OrderedDict()`/`Counter()`/`deque()`) that a function of the same module mutates (item assignment or deletion, augmented item assignment, or a mutating method such as `append`, `update`, `pop`, also on an item of the container, `subs[room].append(ws)`), reported on the module-level assignment; (2) every `global` statement inside a function, reported on the `global` line; (3) a DB session or DB-API connection opened at import time and bound to a module or class attribute or a parameter default (`SessionLocal()` for any `sessionmaker`/`async_sessionmaker`/`scoped_session` result, `Session(engine)`, `AsyncSession(engine)`, a project function returning a session, `sqlite3.connect`, `psycopg2.connect`, `psycopg.connect`, `pymysql.connect`, `MySQLdb.connect`, `mysql.connector.connect`), reported on that binding. " +
      "Decisions: test code is not checked (module-level fakes mutated by test helpers are a testing technique, not app state); a container mutated only from another module is not reported (the rule looks at the functions of the defining module); a function that binds the same name locally (parameter, assignment, loop target, import) mutates its own value, not the global; mutations at import time (module level, a class body, `__init_subclass__`) and in functions that run once per process (a `lifespan=` handler, `@app.on_event(...)`, `on_startup=`/`on_shutdown=` or `add_event_handler` handlers) are initialisation and do not count; so are functions whose every use in the project is a decorator (`@register`, `@register(\"k\")`, and the inner function such a decorator factory returns) or a call at module or class level (`exclude_from_metrics(admin_app)`) or from a module-level function itself used only that way (`register_log_patcher(f)` inside a `setup_otlp(app)` that `main.py` calls at import), and SQLAlchemy listeners for configuration events (`@event.listens_for(Mapper, \"mapper_configured\")`); a set that keeps fire-and-forget tasks alive (`tasks.add(t)` with `t.add_done_callback(tasks.discard)`, the asyncio documentation's idiom, or with a lambda or module function as the callback that discards the task) is not state; command-line scripts are skipped: a module nothing in the project imports but scripts and tests, with no app (FastAPI, Starlette, Flask, Quart, Sanic, Litestar, aiohttp's `web.Application`), router or route, that starts no server or bot (`uvicorn.run`, NiceGUI's `ui.run`, aiohttp's `web.run_app`, a Gradio `.launch()`, Chainlit, Slack Bolt's `SocketModeHandler`, Telegram `run_polling`), and that is a `noxfile.py`, `fabfile.py`, `dodo.py`, `setup.py` or cookiecutter hook, sits in a `scripts/`, `script/`, `tools/`, `bin/`, `hack/`, `commands/`, `cli/` or `management/` folder, starts with `#!`, has a `__main__` block, calls `sys.exit` or `asyncio.run` at module level, or runs a module-level `for`/`while` loop (also one inside a module-level `try` or `with` block) without wiring an app (`include_router`, `add_middleware`, `.mount(`), as batch jobs do; so are sample-data and documentation files (`docs/`, `documentation/`, `doctests/`, `fixtures/`, `factories/`, `faker/`, `fakers/`, `seeds/`, `seeders/`, test-support packages such as `testing/`, `testutils/`, `test_utils/`, `test_helpers/`, `migrations/`, Alembic `versions/`, `seed*.py`, `fixtures.py`, `factories.py`); process-wide caches and registries that request-time code fills are reported, because they are exactly that: state every request on the worker shares; code under `if __name__ == \"__main__\":` is a script, not server state, and is skipped; a session opened in a module-level `with` block is closed by it and is not reported, nor is a connection the module's own top-level code closes later (`conn.close()`, `.dispose()`: a one-off job such as `reset_db.py`), unless the module serves requests (defines an app or starts a server) before closing it; engines, session factories, `FastAPI()`, `APIRouter()`, loggers, settings and pooled clients (`MongoClient`, `Redis`, `httpx.AsyncClient`) are never reported.",
    why:
      "Module globals live as long as the worker process and are shared by every request on it: concurrent requests race on them, each worker (and each replica) holds a different copy, and tests cannot replace them. A session or connection opened at import time is used by all requests at once, outlives failed transactions and is never closed. Dependencies give each request its own value and let tests override it with `app.dependency_overrides`.",
    example:
      'items = {}\nSessionLocal = sessionmaker(bind=engine)\ndb = SessionLocal()\n\n@app.post("/items/{item_id}")\nasync def create_item(item_id: int, item: Item):\n    items[item_id] = item\n    db.add(ItemRow(id=item_id))\n    db.commit()',
    instead:
      'def get_db():\n    db = SessionLocal()\n    try:\n        yield db\n    finally:\n        db.close()\n\n@app.post("/items/{item_id}")\ndef create_item(item_id: int, item: Item, db: Session = Depends(get_db)):\n    db.add(ItemRow(id=item_id, name=item.name))\n    db.commit()',
  },
  check({ index }) {
    const hits: RuleHit[] = [];
    // Worked out on the first mutation found: most modules mutate no module-level container.
    let lifecycle: Set<FunctionInfo> | null = null;
    const lifecycleOf = () => (lifecycle ??= lifecycleFunctions(index));
    const importTime = new Map<FunctionInfo, FunctionUse>();
    for (const mod of index.modules) {
      if (mod.isTest || isSampleDataPath(mod.file.path)) continue;
      const found = [...mutatedContainers(index, mod, lifecycleOf, importTime), ...globalStatements(mod), ...openedSessions(index, mod)];
      // Whether the module is a script follows its importers through the project: ask only when it matters.
      if (found.length > 0 && !isScriptModule(index, mod)) hits.push(...found);
    }
    return hits;
  },
};

function globalStatements(mod: ModuleInfo): RuleHit[] {
  return mod.globals
    .filter((fact) => fact.scope.kind === "function")
    .map((fact) => {
      const names = fact.node.namedChildren.filter((c) => c?.type === "identifier").map((c) => c!.text);
      const where = fact.scope.fn ? ` in \`${fact.scope.fn.name}()\`` : "";
      const what = names.length === 1 ? `module global \`${names[0]}\`` : `module globals ${names.map((n) => `\`${n}\``).join(", ")}`;
      return {
        module: mod,
        node: fact.node,
        message: `\`global ${names.join(", ")}\`${where} rebinds ${what}: one value per worker process, shared by every request on it`,
      };
    });
}

/** The function whose body holds a scope (a lambda counts as its own function, with no name). */
function functionName(scope: Scope): string | null {
  for (let s: Scope | null = scope; s; s = s.parent) {
    if (s.kind === "lambda") return null;
    if (s.kind === "function") return s.fn?.name ?? null;
  }
  return null;
}

/** Module-level names bound to a mutable container, with the assignment that binds each. */
function moduleContainers(index: ProjectIndex, mod: ModuleInfo): Map<string, Node[]> {
  const out = new Map<string, Node[]>();
  for (const fact of factsOf(mod.moduleScope).assignments) {
    if (fact.node.parent?.type === "assignment") continue;
    if (isMainGuarded(fact.node)) continue;
    // `a = b = {}`: every name in the chain is bound to the container.
    const names: string[] = [];
    let node: Node | null = fact.node;
    let value: Node | null = null;
    while (node?.type === "assignment") {
      const left = node.childForFieldName("left");
      if (left?.type === "identifier") names.push(left.text);
      value = node.childForFieldName("right");
      node = value;
    }
    if (!value || !isContainer(index, mod, value)) continue;
    for (const name of names) {
      const list = out.get(name) ?? [];
      list.push(fact.node);
      out.set(name, list);
    }
  }
  return out;
}

function isContainer(index: ProjectIndex, mod: ModuleInfo, value: Node): boolean {
  const n = unparen(value);
  if (CONTAINER_LITERALS.has(n.type)) return true;
  if (n.type !== "call") return false;
  const q = index.qualify(mod, n.childForFieldName("function"));
  return q !== null && CONTAINER_FACTORIES.has(q);
}

/**
 * Functions that run once per process, before or after any request: lifespan handlers (`lifespan=f` in any
 * module), startup/shutdown handlers (`@app.on_event(...)`, `on_startup=[f]`, `add_event_handler("startup", f)`)
 * and `__init_subclass__` hooks, which run at import. Filling a module dict there is initialisation, not state
 * requests share and race on.
 */
function lifecycleFunctions(index: ProjectIndex): Set<FunctionInfo> {
  const out = new Set<FunctionInfo>();
  for (const mod of index.modules) {
    // Both decorator forms name their method in the text: a module that names neither has no decorator to read.
    const decorated = /\bon_event\b|\blistens_for\b/.test(mod.file.content);
    for (const fn of mod.functions) {
      if (fn.name === "__init_subclass__") out.add(fn);
      if (!decorated) continue;
      for (const dec of fn.decorators) {
        const callee = dec.type === "call" ? dec.childForFieldName("function") : null;
        if (callee?.type === "attribute" && callee.childForFieldName("attribute")?.text === "on_event") out.add(fn);
        if (dec.type === "call" && isConfigureListener(dec)) out.add(fn);
      }
    }
    if (!/lifespan|on_startup|on_shutdown|add_event_handler/.test(mod.file.content)) continue;
    for (const fact of mod.calls) {
      const refs: (Node | null | undefined)[] = [];
      const argList = fact.node.childForFieldName("arguments");
      for (const kw of argList?.type === "argument_list" ? argList.namedChildren : []) {
        if (kw?.type !== "keyword_argument") continue;
        const key = kw.childForFieldName("name")?.text;
        const value = kw.childForFieldName("value");
        if (key === "lifespan") refs.push(value);
        else if ((key === "on_startup" || key === "on_shutdown") && (value?.type === "list" || value?.type === "tuple")) refs.push(...value.namedChildren);
      }
      const callee = fact.node.childForFieldName("function");
      if (callee?.type === "attribute" && callee.childForFieldName("attribute")?.text === "add_event_handler") refs.push(callArguments(fact.node).positional[1]);
      for (const ref of refs) {
        const fn = ref ? index.functionFor(mod, ref, fact.scope) : null;
        if (fn) out.add(fn);
      }
    }
  }
  return out;
}

/** SQLAlchemy mapping events fire while models are configured, once per process, never per request. */
const CONFIGURE_EVENTS = new Set(["mapper_configured", "before_mapper_configured", "after_configured", "before_configured", "instrument_class", "class_instrument"]);

/** `@event.listens_for(Mapper, "mapper_configured")` (or `@listens_for(...)`) on a configuration event. */
function isConfigureListener(call: Node): boolean {
  const callee = call.childForFieldName("function");
  const name = callee?.type === "attribute" ? callee.childForFieldName("attribute")?.text : callee?.text;
  if (name !== "listens_for") return false;
  const event = callArguments(call).positional[1];
  const text = stringLiteral(event ?? null)?.value;
  return !!text && CONFIGURE_EVENTS.has(text);
}

function inLifecycle(scope: Scope, lifecycle: Set<FunctionInfo>): boolean {
  for (let s: Scope | null = scope; s; s = s.parent) if (s.fn && lifecycle.has(s.fn)) return true;
  return false;
}

function mutatedContainers(index: ProjectIndex, mod: ModuleInfo, lifecycle: () => Set<FunctionInfo>, importTime: Map<FunctionInfo, FunctionUse>): RuleHit[] {
  const containers = moduleContainers(index, mod);
  if (containers.size === 0) return [];
  const mutated = new Map<string, string>();
  const note = (target: Node | null, scope: Scope, how: string) => {
    const name = rootName(target);
    if (!name || !containers.has(name) || mutated.has(name)) return;
    if (inLifecycle(scope, lifecycle())) return;
    if (holdsTaskReferences(mod, name) || runsAtImportOnly(index, scope, importTime)) return;
    const fn = functionName(scope);
    mutated.set(name, fn ? `${how} in \`${fn}()\`` : how);
  };
  for (const m of containerMutations(mod, [...containers.keys()])) note(m.target, m.scope, m.how);
  const hits: RuleHit[] = [];
  for (const [name, how] of mutated) {
    for (const assign of containers.get(name) ?? []) {
      hits.push({
        module: mod,
        node: assign,
        end: assign.childForFieldName("left") ?? assign,
        message: `Module-level container \`${name}\` is mutated at run time (${how}): one copy per worker process, shared by every request on it`,
      });
    }
  }
  return hits;
}

/** A change made to a module-level container by a function: what was changed, where, and how. */
export interface ContainerMutation {
  name: string;
  target: Node;
  scope: Scope;
  how: string;
}

/**
 * Item assignments, augmented item assignments, `del` of items and mutating method calls (`.append()`, `.update()`,
 * also on an item: `subs[room].append(ws)`) whose root is one of `names`, in the module's functions. Names a
 * function binds locally are its own values, not the module's containers.
 */
export function containerMutations(mod: ModuleInfo, names: string[]): ContainerMutation[] {
  const wanted = new Set(names);
  const out: ContainerMutation[] = [];
  const note = (target: Node | null, scope: Scope, how: string) => {
    const name = rootName(target);
    if (target && name && wanted.has(name) && inFunction(scope) && !isShadowed(scope, name)) out.push({ name, target, scope, how });
  };
  // A mutation names its container in its own scope's code: read only the scopes where a container's name appears.
  const escaped = names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const facts = factsOfScopes(scopesMatching(mod, new RegExp(`(?<![\\w.])(?:${escaped.join("|")})(?!\\w)`, "g")).filter(inFunction));
  for (const fact of facts.assignments) {
    for (const target of targets(fact.node.childForFieldName("left"))) {
      if (target.type === "subscript") note(target, fact.scope, "item assignment");
    }
  }
  for (const fact of facts.augmentedAssignments) {
    const left = fact.node.childForFieldName("left");
    if (left?.type === "subscript") note(left, fact.scope, "augmented item assignment");
  }
  for (const fact of facts.deletes) {
    for (const child of fact.node.namedChildren) {
      for (const target of targets(child)) if (target.type === "subscript") note(target, fact.scope, "`del`");
    }
  }
  for (const fact of facts.calls) {
    const callee = fact.node.childForFieldName("function");
    if (callee?.type !== "attribute") continue;
    const method = callee.childForFieldName("attribute")?.text ?? "";
    if (MUTATING_METHODS.has(method)) note(callee.childForFieldName("object"), fact.scope, `\`.${method}()\``);
  }
  return out;
}

/**
 * `_tasks.add(task); task.add_done_callback(_tasks.discard)`: the asyncio documentation's way to keep a strong
 * reference to a fire-and-forget task until it ends. The set holds no request data. The callback may also be a lambda
 * (`lambda t: _tasks.discard(t)`) or a function of the module whose code discards it (`_remove_background_task`).
 */
function holdsTaskReferences(mod: ModuleInfo, name: string): boolean {
  const text = mod.file.content;
  if (!text.includes("add_done_callback")) return false;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  if (new RegExp(`add_done_callback\\(\\s*(${escaped}\\.(discard|remove)\\s*\\)|lambda\\b[^:()]*:\\s*${escaped}\\.(discard|remove)\\()`).test(text)) return true;
  const discards = new RegExp(`\\b${escaped}\\.(discard|remove)\\(`);
  for (const m of text.matchAll(/add_done_callback\(\s*([A-Za-z_]\w*)\s*\)/g)) {
    const def = mod.definitions.get(m[1]!);
    if (def?.kind === "function" && discards.test(def.fn.node.text)) return true;
  }
  return false;
}

/** Assignment targets, with tuple and list patterns flattened. */
function targets(node: Node | null): Node[] {
  if (!node) return [];
  const n = unparen(node);
  if (n.type === "pattern_list" || n.type === "tuple_pattern" || n.type === "list_pattern" || n.type === "expression_list" || n.type === "tuple" || n.type === "list") {
    return n.namedChildren.flatMap((c) => (c ? targets(c) : []));
  }
  return [n];
}

/** `x` for `x`, `x[k]`, `x[k][j]`: mutating an item of the container mutates shared state too. */
function rootName(node: Node | null): string | null {
  let n = node ? unparen(node) : null;
  while (n?.type === "subscript") {
    const value = n.childForFieldName("value");
    n = value ? unparen(value) : null;
  }
  return n?.type === "identifier" ? n.text : null;
}

function inFunction(scope: Scope): boolean {
  for (let s: Scope | null = scope; s; s = s.parent) if (s.kind === "function" || s.kind === "lambda") return true;
  return false;
}

/** Whether a function (or lambda) between the scope and the module binds the name itself. */
function isShadowed(scope: Scope, name: string): boolean {
  for (let s: Scope | null = scope; s && s.kind !== "module"; s = s.parent) {
    // Class bodies do not enclose the functions defined in them.
    if (s.kind === "class") continue;
    const locals = localNames(s);
    if (locals.globals.has(name)) return false;
    if (locals.bound.has(name)) return true;
  }
  return false;
}

const DOTTED = /^[A-Za-z_][\w.]*$/;

/** The module or a class body nested only in classes: name lookups there do not depend on the position. */
function atImportLevel(scope: Scope): boolean {
  for (let s: Scope | null = scope; s; s = s.parent) if (s.kind !== "module" && s.kind !== "class") return false;
  return true;
}

/** Sessions and connections opened while the module is imported. */
function openedSessions(index: ProjectIndex, mod: ModuleInfo): RuleHit[] {
  const hits: RuleHit[] = [];
  // Model fields, routers and settings repeat the same few callees (`Field(...)` dozens of times per class body):
  // a plain name or dotted chain means the same in the same scope, so judge it once. At module and class level
  // the answer does not depend on the call's position.
  const memo = new Map<Scope, Map<string, string | null>>();
  for (const fact of [mod.moduleScope, ...mod.classes.map((c) => c.scope)].flatMap((s) => factsOf(s).calls)) {
    const callee = fact.node.childForFieldName("function");
    const key = callee && atImportLevel(fact.scope) && (callee.type === "identifier" || callee.type === "attribute") ? callee.text : null;
    let byText = memo.get(fact.scope);
    if (!byText) memo.set(fact.scope, (byText = new Map()));
    let what = key !== null && DOTTED.test(key) ? byText.get(key) : undefined;
    if (what === undefined) {
      what = opensSession(index, mod, fact.scope, fact.node);
      if (key !== null && DOTTED.test(key)) byText.set(key, what);
    }
    if (!what) continue;
    const binding = bindingOf(fact.node);
    if (!binding || isMainGuarded(binding) || (fact.scope === mod.moduleScope && closedAtImport(mod, binding))) continue;
    hits.push({
      module: mod,
      node: binding,
      message: `${what} is opened at import time and shared by every request: open it per request in a dependency`,
    });
  }
  return hits;
}

function opensSession(index: ProjectIndex, mod: ModuleInfo, scope: Scope, call: Node): string | null {
  const callee = call.childForFieldName("function");
  if (!callee) return null;
  const q = index.qualify(mod, callee);
  if (q && CONNECT_CALLS.has(q)) return `A DB-API connection (\`${q}\`)`;
  if (q && (SYNC_SESSION_TYPES.has(q) || ASYNC_SESSION_TYPES.has(q)) && !/scoped_session$/.test(q)) return "A database session";
  const tag = index.valueTag(mod, scope, callee);
  if (tag === "sync-sessionmaker" || tag === "async-sessionmaker") return "A database session";
  // A project function that returns (not yields) a session: calling it opens one. A generator would not run.
  const fn = index.functionFor(mod, callee, scope);
  if (fn && factsOf(fn.scope).yields.length === 0) {
    const t = index.functionTag(fn);
    if (t === "sync-session" || t === "async-session") return "A database session";
  }
  return null;
}

/**
 * Whether the module's own top-level code closes what an assignment bound (`conn = psycopg2.connect(...)`, some
 * statements, then `conn.close()`): a job that runs once on import, and the connection is gone before any request.
 * Not when the module serves requests in between (`try: uvicorn.run(app) finally: conn.close()`).
 */
function closedAtImport(mod: ModuleInfo, binding: Node): boolean {
  if (binding.type !== "assignment" || servesRequests(mod.file.content)) return false;
  const left = binding.childForFieldName("left");
  if (left?.type !== "identifier") return false;
  const closer = new RegExp(`^${left.text}\\s*\\.\\s*(close|dispose)$`);
  return factsOf(mod.moduleScope).calls.some((c) => c.node.startIndex > binding.endIndex && closer.test(c.node.childForFieldName("function")?.text ?? ""));
}

/**
 * The module-level binding that keeps the call's result: the assignment statement, or the parameter whose
 * default it is. A bare expression or a `with` block does not keep a session around.
 */
function bindingOf(call: Node): Node | null {
  let outermostAssign: Node | null = null;
  for (let p = call.parent; p; p = p.parent) {
    switch (p.type) {
      case "assignment":
        outermostAssign = p;
        break;
      case "default_parameter":
      case "typed_default_parameter":
        return p;
      case "expression_statement":
        return outermostAssign;
      case "with_statement":
      case "with_item":
      case "decorator":
      case "function_definition":
      case "class_definition":
      case "lambda":
      case "module":
        return null;
    }
  }
  return null;
}
