import type { SyntaxNode as Node } from "../python/flat-tree.js";
import { factsOf, type FunctionInfo, type ModuleInfo, type Scope } from "../python/module.js";
import type { ProjectIndex } from "../python/project-index.js";
import { isScriptModule } from "./fapi001-scopes.js";
import { isMigrationPath } from "../python/syntax.js";

/** A call that runs on the event loop and blocks it: in an `async def`'s own scope, not awaited, not handed to a thread. */
export interface LoopCall {
  module: ModuleInfo;
  fn: FunctionInfo;
  /** The scope the call runs in (the function's own). */
  scope: Scope;
  call: Node;
}

/**
 * The calls of every non-test module that execute on the event loop without being awaited (RULES.md "inside an
 * `async def`", own scope, not offloaded). Nested def, lambda and class bodies have their own scope, so a
 * `lambda: requests.get(u)` given to `run_in_threadpool` never shows up here, and defaults and decorators belong to
 * the enclosing scope. Awaited calls are left out: neither rule fires on one (an awaited session method means an
 * async session, and an awaited call is not a blocking one), and the list is kept for the whole analysis.
 */
export function loopCalls(index: ProjectIndex): readonly LoopCall[] {
  // FAPI002 and FAPI101 both walk these: find them (parent walks for await and offloading) once per index.
  let calls = loopCallMemo.get(index);
  if (!calls) loopCallMemo.set(index, (calls = findLoopCalls(index)));
  return calls;
}

const loopCallMemo = new WeakMap<ProjectIndex, LoopCall[]>();

function findLoopCalls(index: ProjectIndex): LoopCall[] {
  const out: LoopCall[] = [];
  for (const module of index.modules) {
    // Tests drive the app from async test functions and often check the database through a sync session on
    // purpose; blocking their own event loop costs no user anything.
    if (module.isTest) continue;
    // Only an async def's own code runs on the loop: most modules have none.
    if (!module.functions.some((fn) => fn.isAsync)) continue;
    // A command-line script's `async def main()` (run by `asyncio.run`) blocks only its own loop: no request waits.
    if (isScriptModule(index, module)) continue;
    // A migration's `async def` runs under the `alembic` command (`asyncio.run` in `upgrade()`), not on the server.
    if (isMigrationPath(module.file.path)) continue;
    for (const fn of module.functions) {
      // Only an async def's own code runs on the loop: read the calls of those scopes alone.
      if (!fn.isAsync) continue;
      for (const { node, scope } of factsOf(fn.scope).calls) {
        if (isAwaited(node) || index.isOffloaded(module, node, scope)) continue;
        out.push({ module, fn, scope, call: node });
      }
    }
  }
  return out;
}

/** Where a finding's call stands, for its message: "`async def name`". */
export function inAsyncDef(fn: FunctionInfo): string {
  return `\`async def ${fn.name}\``;
}

/** `await f(x)`, `await (f(x))`. */
export function isAwaited(call: Node): boolean {
  let p = call.parent;
  while (p?.type === "parenthesized_expression") p = p.parent;
  return p?.type === "await";
}

/** The name a finding shows for a callee: `requests.get`, `db.query`, `crud.get_users`. */
export function calleeText(call: Node): string {
  const callee = call.childForFieldName("function");
  // One line, whatever the source's layout (`Agent\n    .get(...)`), then cut to fit a message.
  const text = (callee?.text ?? "call").replace(/\s+/g, " ").replace(/\s*\.\s*/g, ".");
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
