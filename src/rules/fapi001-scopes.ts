import type { SyntaxNode as Node } from "../python/flat-tree.js";
import { factsOf, type FunctionInfo, type ModuleInfo, type Scope } from "../python/module.js";
import type { ProjectIndex } from "../python/project-index.js";
import { unparen } from "../python/syntax.js";

export interface LocalNames {
  /** Names the scope binds itself: parameters, assignment and loop targets, imports, defs, `as` names. */
  bound: Set<string>;
  /** Names the scope declares `global`. */
  globals: Set<string>;
}

const memo = new WeakMap<Scope, LocalNames>();

/** The names a function or lambda scope binds, which hide module-level names of the same spelling. */
export function localNames(scope: Scope): LocalNames {
  const cached = memo.get(scope);
  if (cached) return cached;
  const bound = new Set<string>();
  const globals = new Set<string>();
  const params = scope.node.childForFieldName("parameters");
  if (params) collectParams(params, bound);
  const body = scope.node.childForFieldName("body");
  if (body) walk(body, bound, globals);
  const result = { bound, globals };
  memo.set(scope, result);
  return result;
}

function collectParams(params: Node, bound: Set<string>): void {
  for (const p of params.namedChildren) {
    if (!p) continue;
    const id =
      p.type === "identifier"
        ? p
        : (p.childForFieldName("name") ?? (p.namedChild(0)?.type === "identifier" ? p.namedChild(0) : p.namedChild(0)?.namedChild(0)));
    if (id?.type === "identifier") bound.add(id.text);
  }
}

function addTargets(node: Node | null, bound: Set<string>): void {
  if (!node) return;
  const n = unparen(node);
  switch (n.type) {
    case "identifier":
      bound.add(n.text);
      return;
    case "pattern_list":
    case "tuple_pattern":
    case "list_pattern":
    case "expression_list":
    case "tuple":
    case "list":
    case "list_splat_pattern":
      for (const c of n.namedChildren) addTargets(c, bound);
      return;
  }
}

// Iterative so deeply nested code cannot overflow the stack; nested def/class/lambda bodies are other scopes.
function walk(root: Node, bound: Set<string>, globals: Set<string>): void {
  const pending: Node[] = [root];
  while (pending.length > 0) {
    const n = pending.pop()!;
    switch (n.type) {
      case "function_definition":
      case "class_definition": {
        const name = n.childForFieldName("name");
        if (name) bound.add(name.text);
        continue;
      }
      case "lambda":
        continue;
      case "global_statement":
        for (const c of n.namedChildren) if (c?.type === "identifier") globals.add(c.text);
        continue;
      case "assignment":
      case "augmented_assignment":
        addTargets(n.childForFieldName("left"), bound);
        break;
      case "named_expression":
        addTargets(n.childForFieldName("name"), bound);
        break;
      case "for_statement":
      case "for_in_clause":
        addTargets(n.childForFieldName("left"), bound);
        break;
      case "as_pattern": {
        const alias = n.childForFieldName("alias");
        addTargets(alias?.namedChild(0) ?? alias, bound);
        break;
      }
      case "import_statement":
      case "import_from_statement":
        for (const c of n.childrenForFieldName("name")) {
          if (!c) continue;
          if (c.type === "aliased_import") addTargets(c.childForFieldName("alias"), bound);
          else if (c.type === "dotted_name" && c.namedChild(0)) bound.add(c.namedChild(0)!.text);
        }
        continue;
    }
    for (const c of n.namedChildren) if (c) pending.push(c);
  }
}

/** Whether a node sits under `if __name__ == "__main__":`, code that runs as a script and not on import. */
export function isMainGuarded(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type !== "if_statement") continue;
    const cond = p.childForFieldName("condition");
    const text = cond?.text.replace(/\s+/g, "").replace(/'/g, '"');
    if (text === '__name__=="__main__"' || text === '"__main__"==__name__') {
      // Only the `if` body, not its `else`.
      const body = p.childForFieldName("consequence");
      if (body && node.startIndex >= body.startIndex && node.endIndex <= body.endIndex) return true;
    }
  }
  return false;
}

/**
 * A command-line script rather than a module of the server: nothing in the project imports it but other scripts
 * and tests (a training loop that only `train_mem.py`'s `__main__` imports is as much a script), it defines no
 * app (FastAPI, Starlette, Flask, aiohttp...), router or route and starts no server or bot (`servesRequests`), and
 * it says it is a script: it is a `noxfile.py`, `fabfile.py`, `dodo.py`, `setup.py` or cookiecutter hook
 * (`hooks/post_gen_project.py`), sits in one of `SCRIPT_DIRS` (`scripts/`, `tools/`, `bin/`, a project's
 * `commands/` or `cli/`, Django's `management/`...), starts with a `#!` line, has an `if __name__ == "__main__":`
 * block, calls `sys.exit` or `asyncio.run` at module level, or does its work in a module-level `for`/`while` loop,
 * also inside a `try` or `with` block, as batch jobs written top to bottom do. Its globals live for one run of the
 * command, not across requests.
 */
const scriptMemo = new WeakMap<ProjectIndex, Map<ModuleInfo, boolean>>();

export function isScriptModule(index: ProjectIndex, mod: ModuleInfo): boolean {
  let memo = scriptMemo.get(index);
  if (!memo) scriptMemo.set(index, (memo = new Map()));
  const known = memo.get(mod);
  if (known !== undefined) return known;
  // While the answer is worked out, an import cycle back to this module counts as a server importer.
  memo.set(mod, false);
  const answer = judgeScript(index, mod);
  memo.set(mod, answer);
  return answer;
}

/**
 * Whether a module's text defines an app, router or route, or starts a server or bot: what it sets up at import
 * serves every request for as long as the process runs.
 */
export function servesRequests(text: string): boolean {
  // aiohttp's `web.Application()` too: backend.ai's `manager/server.py` builds one and runs it with `web.AppRunner`.
  if (/\b(FastAPI|APIRouter|Starlette|Flask|Quart|Sanic|Litestar|web\.Application)\s*\(|@\s*[\w.]+\.(get|post|put|patch|delete|options|head|trace|api_route|websocket|route)\s*\(/.test(text)) return true;
  // A module that starts a server (`uvicorn.run(...)`, NiceGUI's `ui.run()`, aiohttp's `web.run_app(...)`, a Gradio
  // app's `.launch()`, Chainlit's `run_chainlit(__file__)`) or is a Chainlit app (`@cl.on_message`).
  if (/\b(uvicorn|hypercorn|granian)\.(run|serve)\(|\bui\.run\(|\bweb\.run_app\(|\brun_chainlit\(|@\s*(cl|chainlit)\.on_(message|chat_start)\b/.test(text)) return true;
  // So does a bot that answers every user's events until stopped: Slack Bolt's `SocketModeHandler(app).start()`,
  // python-telegram-bot's `run_polling()`/`run_webhook()`, aiogram's `start_polling(...)`.
  if (/\bSocketModeHandler\s*\(|\.(run_polling|run_webhook|start_polling)\s*\(/.test(text)) return true;
  return /\.launch\(/.test(text) && /^\s*(import|from)\s+gradio\b/m.test(text);
}

const SCRIPT_DIRS = new Set(["scripts", "script", "tools", "bin", "hack", "commands", "cli", "management"]);

const SCRIPT_CALL = /^(sys\.exit|exit|quit|(asyncio|anyio|trio|uvloop)\.run)$/;

function judgeScript(index: ProjectIndex, mod: ModuleInfo): boolean {
  const text = mod.file.content;
  const parts = mod.file.path.split("/");
  // Command folders too: a project's `commands/` (`python -i -m commands.shell`), `cli/`, Django's `management/`.
  const inScriptDir = parts.slice(0, -1).some((p) => SCRIPT_DIRS.has(p));
  const saysScript =
    inScriptDir ||
    // Task runners', packaging and cookiecutter hook files, run by `nox`, `fab`, `doit`, `pip install` and
    // `cookiecutter`, never by the server.
    /^(noxfile|fabfile|dodo|setup|pre_gen_project|post_gen_project)\.py$/.test(parts[parts.length - 1] ?? "") ||
    text.startsWith("#!") ||
    /^if\s+__name__\s*==\s*["']__main__["']\s*:/m.test(text) ||
    // `sys.exit()` at module level, or an event loop started at import (`asyncio.run(main())`): a server module
    // does neither, the ASGI server runs the loop.
    (/exit|quit|\.run\(/.test(text) &&
      factsOf(mod.moduleScope).calls.some((c) => SCRIPT_CALL.test(c.node.childForFieldName("function")?.text ?? ""))) ||
    // A loop at module level runs the job on import; a server module that wires an app does not loop there.
    (!/include_router|add_middleware|\.mount\(/.test(text) && /^[ \t]*(?:async[ \t]+)?(?:for|while)\b/m.test(text) && mod.root.namedChildren.some(isModuleLoop));
  // Most modules do not say they are scripts: look for an app or server (the whole text) only in those that do.
  if (!saysScript || servesRequests(text)) return false;
  const stem = (parts[parts.length - 1] === "__init__.py" ? parts[parts.length - 2] : parts[parts.length - 1]?.replace(/\.py$/, "")) ?? "";
  // A name that is not an identifier (`alembic-rebase.py`) cannot be imported at all.
  if (!/^\w+$/.test(stem)) return true;
  const importers = importedWords(index).get(stem);
  if (!importers) return true;
  // The word is a common one (`db`, `utils`): keep the modules whose imports name this module.
  const real = [...importers].filter((m) => m !== mod && importsModule(index, m, mod, stem));
  // Tests that import a script to test its helpers do not make it server code.
  return real.every((m) => m.isTest || isScriptModule(index, m));
}

/**
 * Whether `m` imports `target`, as the index resolves imports (dotted names, relative imports, a project scanned
 * from above its import root, a script folder on `sys.path`): `from scripts import db`, `from scripts.db import cli`,
 * `from helper import x`, and `import scripts.db`, which binds only `scripts`.
 */
function importsModule(index: ProjectIndex, m: ModuleInfo, target: ModuleInfo, stem: string): boolean {
  // Only a prefix ending in the module's own name can name it: `scripts.db` or `db`, in `scripts.db.cli` too.
  const resolvesTo = (dotted: string) => {
    if (!dotted.includes(stem)) return false;
    const parts = dotted.split(".");
    for (let cut = parts.length; cut > 0; cut--) if (parts[cut - 1] === stem && index.findModule(parts.slice(0, cut).join("."), m) === target) return true;
    return false;
  };
  for (const [, binding] of m.imports) if (resolvesTo(binding.target)) return true;
  if (m.starImports.some(resolvesTo)) return true;
  for (const dotted of importLineNames(m)) if ((dotted === stem || dotted.endsWith(`.${stem}`)) && resolvesTo(dotted)) return true;
  return false;
}

/** The dotted names on a module's `import` lines (`import scripts.db`), read once per module. */
const importLineMemo = new WeakMap<ModuleInfo, string[]>();

function importLineNames(m: ModuleInfo): string[] {
  let names = importLineMemo.get(m);
  if (names) return names;
  names = [];
  const line = /^[ \t]*import[ \t]([^\n]*)/gm;
  for (let hit = line.exec(m.file.content); hit; hit = line.exec(m.file.content)) names.push(...(hit[1]!.match(/[\w.]+/g) ?? []));
  importLineMemo.set(m, names);
  return names;
}

/**
 * A loop at module level, also inside a module-level `try:` or `with` block (`try: for f in files: migrate(f)
 * finally: conn.close()`).
 */
function isModuleLoop(node: Node | null): boolean {
  if (!node) return false;
  if (node.type === "for_statement" || node.type === "while_statement") return true;
  if (node.type !== "try_statement" && node.type !== "with_statement") return false;
  const body = node.childForFieldName("body");
  return !!body && body.namedChildren.some((c) => c?.type === "for_statement" || c?.type === "while_statement");
}

/**
 * Every word on an import line of any module (`^\s*(from|import)\s` and the rest of that line), with the modules
 * that have it. Built once per index: asking each candidate script against every module was quadratic.
 */
const importWordsMemo = new WeakMap<ProjectIndex, Map<string, ModuleInfo[]>>();

function importedWords(index: ProjectIndex): Map<string, ModuleInfo[]> {
  let words = importWordsMemo.get(index);
  if (words) return words;
  words = new Map();
  const line = /^\s*(?:from|import)\s([^\n]*)/gm;
  for (const mod of index.modules) {
    const text = mod.file.content;
    line.lastIndex = 0;
    for (let m = line.exec(text); m; m = line.exec(text)) {
      for (const w of m[1]!.match(/\w+/g) ?? []) {
        // Modules are visited one after the other: a module already listed is the list's last.
        const had = words.get(w);
        if (had === undefined) words.set(w, [mod]);
        else if (had[had.length - 1] !== mod) had.push(mod);
      }
      // The rest of the line may itself start an import line (`import` followed by a newline): look from there.
      line.lastIndex = m.index + m[0].length - m[1]!.length;
      if (line.lastIndex <= m.index) line.lastIndex = m.index + 1;
    }
  }
  importWordsMemo.set(index, words);
  return words;
}

/**
 * Whether the function holding a scope only ever runs while modules are imported: every reference to it in the
 * project's non-test code is a decorator (`@register`, `@register("x")`) or a call at module or class level
 * (`exclude_from_metrics(admin_app)` in a package's `__init__`), or it is the inner function a decorator factory
 * used only that way returns, or it is called only from module-level functions that themselves run at import only
 * (`register_log_patcher(f)` inside `setup_otlp(app)`, which `main.py` calls at module level). Filling a registry
 * there is initialisation. Any other reference (a call inside another function, the function passed as a value,
 * another function of the same name) keeps the mutation reported.
 */
export function runsAtImportOnly(index: ProjectIndex, scope: Scope, memo: Map<FunctionInfo, FunctionUse>): boolean {
  let s: Scope | null = scope;
  while (s && s.kind === "class") s = s.parent;
  if (!s || s.kind !== "function" || !s.fn) return false;
  const fn = s.fn;
  if (fn.outer.kind === "module" || fn.outer.kind === "class") return uses(index, fn, memo) !== "other";
  // `def register(key): def deco(f): REGISTRY[key] = f; return f; return deco`, used as `@register("k")`.
  const outer = fn.outer.kind === "function" ? fn.outer.fn : null;
  if (!outer || (outer.outer.kind !== "module" && outer.outer.kind !== "class")) return false;
  const returnsIt = factsOf(outer.scope).returns.some((r) => r.node.namedChildren[0]?.text === fn.name);
  return returnsIt && uses(index, outer, memo) === "decorator-factory";
}

/** How a function is used across the project: only at import, only as `@factory(...)`, or otherwise. */
export type FunctionUse = "import" | "decorator-factory" | "other";

function uses(index: ProjectIndex, fn: FunctionInfo, memo: Map<FunctionInfo, FunctionUse>): FunctionUse {
  const cached = memo.get(fn);
  if (cached) return cached;
  // Pessimistic while this one is worked out: a cycle of callers never proves import-only use.
  memo.set(fn, "other");
  let importCalls = 0;
  let factoryCalls = 0;
  let other = 0;
  for (const mod of index.modules) {
    if (mod.isTest || !mod.file.content.includes(fn.name)) continue;
    for (const id of mod.root.descendantsOfType("identifier")) {
      if (!id || id.text !== fn.name) continue;
      const parent = id.parent;
      if (!parent) continue;
      if ((parent.type === "function_definition" || parent.type === "class_definition") && parent.childForFieldName("name")?.id === id.id) continue;
      if (hasAncestor(id, ["import_statement", "import_from_statement"])) continue;
      // `module.fn` and `obj.fn`: the reference is the whole attribute.
      const ref = parent.type === "attribute" && parent.childForFieldName("attribute")?.id === id.id ? parent : id;
      if (ref.type === "identifier" && parent.type === "attribute") {
        other++; // `fn.attr`: the function object itself is used
        continue;
      }
      // `@cl.on_message` on `async def on_message`: an attribute of another package that shares the name is not
      // this function.
      if (ref.type === "attribute" && isForeignAttribute(index, mod, ref)) continue;
      const up = ref.parent;
      const enclosing = nearestAncestor(ref, ["function_definition", "lambda"]);
      if (enclosing) {
        // A call from a module-level function that itself runs only at import time runs only then too.
        const direct = up?.type === "call" && up.childForFieldName("function")?.id === ref.id && up.parent?.type !== "decorator";
        const caller = direct && enclosing.type === "function_definition" ? mod.functions.find((f) => f.node.id === enclosing.id) : undefined;
        if (caller && caller !== fn && caller.outer.kind === "module" && uses(index, caller, memo) === "import") importCalls++;
        else other++;
      } else if (up?.type === "decorator") importCalls++;
      else if (up?.type === "call" && up.childForFieldName("function")?.id === ref.id) {
        if (up.parent?.type === "decorator") factoryCalls++;
        else importCalls++;
      } else other++;
    }
  }
  const result: FunctionUse = other > 0 || importCalls + factoryCalls === 0 ? "other" : factoryCalls > 0 && importCalls === 0 ? "decorator-factory" : "import";
  memo.set(fn, result);
  return result;
}

/** `pkg.name` where `pkg` is an import of a package outside the project (`chainlit.on_message`). */
function isForeignAttribute(index: ProjectIndex, mod: ModuleInfo, ref: Node): boolean {
  const q = index.qualify(mod, ref);
  if (!q || !q.includes(".")) return false;
  return !index.findModule(q.slice(0, q.indexOf(".")), mod) && !index.functionFor(mod, ref);
}

function hasAncestor(node: Node, types: string[]): boolean {
  return nearestAncestor(node, types) !== null;
}

function nearestAncestor(node: Node, types: string[]): Node | null {
  for (let p = node.parent; p; p = p.parent) if (types.includes(p.type)) return p;
  return null;
}
