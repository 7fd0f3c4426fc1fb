import type { SyntaxNode as Node } from "../python/flat-tree.js";
import { factsOf, type FunctionInfo, type ModuleInfo } from "../python/module.js";
import type { ProjectIndex } from "../python/project-index.js";
import { unparen } from "../python/syntax.js";

/** The expressions a function's own scope returns (bare `return` gives none). */
export function ownScopeReturnValues(fn: FunctionInfo): Node[] {
  const out: Node[] = [];
  for (const fact of factsOf(fn.scope).returns) {
    const value = fact.node.namedChild(0);
    if (value) out.push(value);
  }
  return out;
}

/** `Response`, `JSONResponse`, `fastapi.responses.StreamingResponse`, a project `XMLResponse` class... */
export function isResponseClassName(qualified: string): boolean {
  const last = qualified.slice(qualified.lastIndexOf(".") + 1);
  return /Response$/.test(last);
}

/** Resolves an HTTP status expression to its number: `204`, `status.HTTP_204_NO_CONTENT`, `HTTPStatus.NO_CONTENT`. */
export function statusCodeOf(index: ProjectIndex, mod: ModuleInfo, node: Node | null): number | null {
  if (!node) return null;
  const n = unparen(node);
  if (n.type === "integer") return Number.parseInt(n.text, 10);
  const text = index.qualify(mod, n) ?? n.text;
  const m = /HTTP_(\d{3})_/.exec(text);
  if (m) return Number(m[1]);
  const last = text.slice(text.lastIndexOf(".") + 1);
  const named = HTTP_STATUS_NAMES[last];
  return named ?? null;
}

const HTTP_STATUS_NAMES: Record<string, number> = {
  NO_CONTENT: 204,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNPROCESSABLE_ENTITY: 422,
  UNPROCESSABLE_CONTENT: 422,
};

export function isNoContentStatus(index: ProjectIndex, mod: ModuleInfo, node: Node | null): boolean {
  return statusCodeOf(index, mod, node) === 204;
}
