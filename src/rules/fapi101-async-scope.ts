import type { SyntaxNode as Node } from "../python/flat-tree.js";
import { type Fact, factsOf, type FunctionInfo, type ModuleInfo } from "../python/module.js";
import type { ProjectIndex } from "../python/project-index.js";
import { isScriptModule } from "./fapi001-scopes.js";
import { isMigrationPath } from "../python/syntax.js";

/** A call that runs on the event loop: in an `async def`'s own scope and not handed to a thread. */
export interface LoopCall {
  module: ModuleInfo;
  fn: FunctionInfo;
  fact: Fact;
  call: Node;
  awaited: boolean;
}

/**
 * The calls of every non-test module that execute on the event loop (RULES.md "inside an `async def`", own scope,
 * not offloaded). Nested def, lambda and class bodies have their own scope, so a `lambda: requests.get(u)` given to
 * `run_in_threadpool` never shows up here, and defaults and decorators belong to the enclosing scope.
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
      for (const fact of factsOf(fn.scope).calls) {
        if (index.isOffloaded(module, fact.node, fact.scope)) continue;
        out.push({ module, fn, fact, call: fact.node, awaited: isAwaited(fact.node) });
      }
    }
  }
  return out;
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
