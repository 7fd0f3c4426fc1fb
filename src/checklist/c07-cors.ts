import { fapi102 } from "../rules/fapi102-cors-wildcard-credentials.js";
import { at, count, itemResult, listed } from "./evidence.js";
import type { MiddlewareUse } from "./project-facts.js";
import { ruleEvidence } from "./rule-hits.js";
import type { AuditContext, ChecklistItemResult, Evidence } from "./types.js";

/**
 * C07 "CORS Middleware configured": Starlette's `CORSMiddleware`, or a project class with "CORS" in its name, is
 * registered (`app.add_middleware(X, ...)`, `Middleware(X, ...)` in a `middleware=[...]` list, or `X(app, ...)`
 * wrapping the app), and FAPI102 finds no wildcard origin with credentials. Not applicable without an app.
 */
export function checkC07(ctx: Pick<AuditContext, "facts" | "persona">): ChecklistItemResult {
  const { facts } = ctx;
  if (!facts.hasApp) return itemResult(ctx, "C07", "not_applicable", [{ note: "no `FastAPI(...)` app found outside test and docs code" }], null);
  const cors = facts.middleware.filter(isCors);
  const wildcard = ruleEvidence(fapi102, facts.index);
  const evidence: Evidence[] = cors.slice(0, 3).map((m) =>
    at(m.module, m.call, m.projectClass ? `registers \`${m.name}\` (project class, ${m.projectClass.module.file.path}:${m.projectClass.node.startPosition.row + 1})` : `registers \`${short(m.name)}\``),
  );
  if (cors.length === 0) evidence.push({ note: "no CORS middleware is registered (`add_middleware(CORSMiddleware, ...)` or `Middleware(CORSMiddleware, ...)`)" });
  if (wildcard.length > 0) evidence.push(...listed(`${count(wildcard.length, "CORS setting")} ${wildcard.length === 1 ? "allows" : "allow"} every origin with credentials (FAPI102)`, wildcard, "settings"));
  const failing = cors.length === 0 || wildcard.length > 0;
  return itemResult(ctx, "C07", failing ? "fail" : "pass", evidence, {
    quotes: [{ item: "C07" }],
    nextStep:
      "register `app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_credentials=True, " +
      "allow_methods=[\"*\"], allow_headers=[\"*\"])` with the frontend's exact origins; never `\"*\"` together with credentials.",
  });
}

function isCors(m: MiddlewareUse): boolean {
  if (m.projectClass) return /cors/i.test(m.projectClass.name);
  return short(m.name) === "CORSMiddleware";
}

export function short(name: string): string {
  return name.slice(name.lastIndexOf(".") + 1);
}
