import { MAPPING_OR_ANY_TYPES } from "../python/names.js";
import type { SyntaxNode as Node } from "../python/flat-tree.js";
import { factsOf, type FunctionInfo } from "../python/module.js";
import type { ProjectIndex } from "../python/project-index.js";
import { genericParts, isNone, unparen, unwrapType } from "../python/syntax.js";
import type { Rule, RuleHit } from "./types.js";
import { isNoContentStatus, isResponseClassName, ownScopeReturnValues } from "./helpers.js";

const DICT_TYPES = MAPPING_OR_ANY_TYPES;

export const fapi004: Rule = {
  code: "FAPI004",
  name: "return-dict",
  antiPattern: "Return Dicts",
  source: "anti-pattern",
  severity: "warning",
  message: "Route handler returns a dict with no response model: the response is unvalidated and undocumented in OpenAPI",
  fix: "Return Pydantic Models: declare the response with a model (`-> Item`, or `response_model=Item`) and return an instance of it.",
  docs: {
    what: "Flags HTTP route handlers that return a dict literal, dict comprehension or `dict(...)` call while declaring neither `response_model=` nor a model return annotation (a missing annotation, `dict`, `Dict[...]`, `Mapping[...]` or `Any` count as none). Handlers returning a `Response` on any path, `status_code=204` routes, `@x.head(...)` routes (a HEAD response has no body), websockets and apps defined in test code are left alone.",
    why: "FastAPI validates, filters and documents a response only through its declared model. A bare dict leaks whatever keys the code puts in (including internal ones), is not checked, and shows up in /docs as an untyped object, so clients cannot be generated from the schema.",
    example: '@router.get("/items/{item_id}")\nasync def read_item(item_id: int):\n    return {"id": item_id, "name": "Hammer"}',
    instead:
      'class Item(BaseModel):\n    id: int\n    name: str\n\n@router.get("/items/{item_id}")\nasync def read_item(item_id: int) -> Item:\n    return Item(id=item_id, name="Hammer")',
  },
  check({ index }) {
    const hits: RuleHit[] = [];
    for (const route of index.routes()) {
      // Apps defined inside tests are fixtures for the test, not API surface anyone consumes.
      if (route.kind !== "http" || route.module.isTest) continue;
      // A HEAD response has no body: whatever the handler returns is dropped, so there is nothing to model.
      if (route.method === "head") continue;
      const fn = route.fn;
      const responseModel = route.args.keywords.get("response_model");
      if (responseModel && !isNone(responseModel)) continue;
      if (isNoContentStatus(index, route.module, route.args.keywords.get("status_code") ?? null)) continue;
      if (!returnAnnotationAllowsDict(index, fn)) continue;
      const values = ownScopeReturnValues(fn);
      if (values.some((v) => returnsResponse(index, fn, v))) continue;
      if (!values.some((v) => isDictExpression(index, fn, v))) continue;
      hits.push({ module: fn.module, node: fn.node, end: fn.node.childForFieldName("name") ?? fn.node });
    }
    return hits;
  },
};

/** No annotation, or one that says "some dict": a model, list of models or a Response type says otherwise. */
function returnAnnotationAllowsDict(index: ProjectIndex, fn: FunctionInfo): boolean {
  if (!fn.returns) return true;
  const base = genericParts(fn.returns)?.base ?? unwrapType(fn.returns);
  const q = index.qualify(fn.module, base);
  return q !== null && DICT_TYPES.has(q);
}

function isDictExpression(index: ProjectIndex, fn: FunctionInfo, value: Node): boolean {
  const n = unparen(value);
  if (n.type === "dictionary" || n.type === "dictionary_comprehension") return true;
  if (n.type === "call") return index.qualify(fn.module, n.childForFieldName("function")) === "builtins.dict";
  return false;
}

function returnsResponse(index: ProjectIndex, fn: FunctionInfo, value: Node): boolean {
  const n = unparen(value);
  if (n.type === "call") return isResponseClassName(index.qualify(fn.module, n.childForFieldName("function")) ?? n.childForFieldName("function")?.text ?? "");
  if (n.type === "identifier") {
    // `response = JSONResponse(...); return response`
    for (const fact of factsOf(fn.scope).assignments) {
      const left = fact.node.childForFieldName("left");
      const right = fact.node.childForFieldName("right");
      if (left?.text !== n.text || right?.type !== "call") continue;
      if (isResponseClassName(index.qualify(fn.module, right.childForFieldName("function")) ?? "")) return true;
    }
  }
  return false;
}
