import { at, count, isAre, itemResult, listed } from "./evidence.js";
import type { AuditContext, ChecklistItemResult } from "./types.js";

/**
 * C01 "All routes async": every route handler outside test and docs code is `async def`, mounted or not; websocket
 * handlers included. Not applicable when the project has no route handler.
 */
export function checkC01(ctx: Pick<AuditContext, "facts" | "persona">): ChecklistItemResult {
  const routes = ctx.facts.routes;
  if (routes.length === 0) {
    return itemResult(ctx, "C01", "not_applicable", [{ note: "no route handlers found outside test and docs code" }], null);
  }
  const sync = routes.filter((r) => !r.fn.isAsync);
  if (sync.length === 0) {
    return itemResult(ctx, "C01", "pass", [{ note: `every route handler (${routes.length}) is \`async def\`` }], null);
  }
  const places = sync.map((r) => at(r.module, r.fn.node, `sync \`def ${r.fn.name}\``));
  return itemResult(
    ctx,
    "C01",
    "fail",
    listed(`${sync.length} of ${count(routes.length, "route handler")} ${isAre(sync.length)} sync \`def\` (FastAPI runs each in its thread pool)`, places, "sync handlers"),
    {
      quotes: [{ principle: "Async First" }],
      nextStep:
        "make these handlers `async def` and await async I/O in them (`AsyncSession`, `httpx.AsyncClient`); " +
        "a handler that must call blocking code can stay `def` or use `run_in_threadpool` for that call.",
    },
  );
}
