import { at, itemResult } from "./evidence.js";
import { short } from "./c07-cors.js";
import type { AuditContext, ChecklistItemResult, Evidence } from "./types.js";

/** Response compression middleware: Starlette's gzip, brotli-asgi, starlette-compress (brotli, zstd, gzip). */
const COMPRESSION = new Set(["GZipMiddleware", "BrotliMiddleware", "CompressMiddleware"]);

/**
 * C08 "Gzip Middleware enabled": `GZipMiddleware` (or a Brotli compression middleware: brotli-asgi's
 * `BrotliMiddleware`, starlette-compress's `CompressMiddleware`) is registered. Not applicable without an app.
 */
export function checkC08(ctx: Pick<AuditContext, "facts" | "persona">): ChecklistItemResult {
  const { facts } = ctx;
  if (!facts.hasApp) return itemResult(ctx, "C08", "not_applicable", [{ note: "no `FastAPI(...)` app found outside test and docs code" }], null);
  const found = facts.middleware.filter((m) => !m.projectClass && COMPRESSION.has(short(m.name)));
  const evidence: Evidence[] = found.slice(0, 3).map((m) => at(m.module, m.call, `registers \`${short(m.name)}\``));
  if (found.length === 0) {
    const others = [...new Set(facts.middleware.map((m) => short(m.name)))];
    evidence.push({ note: `no compression middleware registered${others.length > 0 ? ` (registered: ${others.slice(0, 8).join(", ")})` : ""}` });
  }
  return itemResult(ctx, "C08", found.length > 0 ? "pass" : "fail", evidence, {
    quotes: [{ item: "C08" }],
    nextStep: "add `app.add_middleware(GZipMiddleware, minimum_size=1000)` (from `fastapi.middleware.gzip`), or compress at the proxy and say so.",
  });
}
