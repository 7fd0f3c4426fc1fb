import type { SyntaxNode as Node } from "../python/flat-tree.js";
import type { ModuleInfo, Scope } from "../python/module.js";
import { fapi001 } from "../rules/fapi001-global-state.js";
import { at, byPlace, count, itemResult, listed } from "./evidence.js";
import { CONNECT_CALLS } from "../python/names.js";
import { ruleEvidence } from "./rule-hits.js";
import type { AuditContext, ChecklistItemResult, Evidence } from "./types.js";


/**
 * C03 "Dependency Injection used for testability": `Depends`/`Security` is used outside test and docs code, FAPI001 finds
 * no global state, and no route handler opens its own session or connection in its own scope (a call of a
 * `sessionmaker`/`async_sessionmaker` result, `Session(...)`, `AsyncSession(...)`, a project function that returns
 * a session, or a DB-API `connect`). Not applicable without an app.
 */
export function checkC03(ctx: Pick<AuditContext, "facts" | "persona">): ChecklistItemResult {
  const { facts } = ctx;
  if (!facts.hasApp) return itemResult(ctx, "C03", "not_applicable", [{ note: "no `FastAPI(...)` app found outside test and docs code" }], null);
  const index = facts.index;

  const deps: Evidence[] = [];
  for (const c of facts.calls) {
    if (!c.q || !/(^|\.)(Depends|Security)$/.test(c.q)) continue;
    const dep = index.dependencyCall(c.module, c.call);
    if (dep) deps.push(at(c.module, c.call, `\`${dep.kind}(${dep.target?.text ?? ""})\``));
  }

  const opened: Evidence[] = [];
  for (const route of facts.routes) {
    const fn = route.fn;
    for (const fact of fn.module.calls) {
      if (fact.scope !== fn.scope) continue;
      const what = opensConnection(ctx, fn.module, fact.node, fact.scope);
      if (what) opened.push(at(fn.module, fact.node, `\`${fn.name}\` opens its own ${what}: \`${fact.node.text.slice(0, 60)}\``));
    }
  }

  const globals = ruleEvidence(fapi001, index);
  const evidence: Evidence[] = [];
  if (deps.length === 0) evidence.push({ note: "no `Depends(...)` or `Security(...)` outside test and docs code" });
  else evidence.push({ ...[...deps].sort(byPlace)[0]!, note: `${count(deps.length, "`Depends`/`Security` use")} outside test and docs code, the first here` });
  if (globals.length > 0) evidence.push(...listed(`${count(globals.length, "global-state finding")} (FAPI001)`, globals, "global-state findings"));
  if (opened.length > 0) evidence.push(...listed(`${count(opened.length, "route handler call")} opening a session or connection instead of receiving it`, opened, "calls"));
  if (globals.length === 0 && opened.length === 0) evidence.push({ note: "no global state (FAPI001) and no handler opens its own session or connection" });

  const failing = deps.length === 0 || globals.length > 0 || opened.length > 0;
  return itemResult(ctx, "C03", failing ? "fail" : "pass", evidence, {
    quotes: [{ antiPattern: "Global State" }, { pattern: "Dependency Injection" }],
    nextStep:
      "write a `yield` dependency that opens and closes the session (`async def get_db(): async with SessionLocal() as s: yield s`), " +
      "take it in handlers as `db: AsyncSession = Depends(get_db)`, and move module-level mutable state into `app.state` or a dependency.",
  });
}

function opensConnection(ctx: Pick<AuditContext, "facts">, mod: ModuleInfo, call: Node, scope: Scope): string | null {
  const index = ctx.facts.index;
  const q = index.qualify(mod, call.childForFieldName("function"));
  if (q && CONNECT_CALLS.has(q)) return "connection";
  const tag = index.valueTag(mod, scope, call);
  return tag === "sync-session" || tag === "async-session" ? "session" : null;
}
