import type { SyntaxNode as Node } from "../python/flat-tree.js";
import { factsOf, type FunctionInfo } from "../python/module.js";
import type { ProjectIndex } from "../python/project-index.js";
import { argument, callArguments, unparen } from "../python/syntax.js";
import { statusCodeOf } from "./helpers.js";
import { InputCondition, requestInputs } from "./fapi005-input-condition.js";
import type { Rule, RuleHit } from "./types.js";

const VALIDATION_STATUSES = new Set([400, 422]);

export const fapi005: Rule = {
  code: "FAPI005",
  name: "validation-in-view",
  antiPattern: "Validation in View",
  source: "anti-pattern",
  severity: "warning",
  message:
    "Route handler validates its own request input and raises a 400/422: the constraint belongs on the input's type, where FastAPI enforces and documents it",
  fix: "Pydantic Field validators: move the check onto the input, as a `Field(...)`/`Query(...)`/`Path(...)` constraint (`min_length`, `gt`, `pattern`, `Literal[...]`) or a `@field_validator`/`@model_validator` on the body model.",
  docs: {
    what:
      "Flags an `if` (or `elif`) in a route handler's own scope (apps defined in test code are left alone) whose body raises `HTTPException` or `RequestValidationError` " +
      "with status 400 or 422 (a literal, `status.HTTP_400_BAD_REQUEST`, `status.HTTP_422_UNPROCESSABLE_ENTITY`/`_CONTENT`, " +
      "`HTTPStatus.BAD_REQUEST`, ...; positional or `status_code=`), when the condition looks only at the handler's request " +
      "input: its path, query, header, cookie, body, form and file parameters and their attributes, literals, module-level " +
      "constants bound to literals (or to `re.compile(...)`), class attributes bound to literals in a project class body " +
      "(enum members such as `Plan.TEAM`, `auto()` included), and side-effect-free builtins and standard-library functions " +
      "(`len`, `isinstance`, `any`, `all`, `min`, `re.match`, `os.path.splitext`, `datetime.now`, ...) and pure `str`/`dict`/`set` " +
      "methods called on input (`.strip()`, `.isdigit()`, `.startswith()`, `.get()`, ...). " +
      "Decisions: each `elif` is its own check, reported on the `elif` line; an `else:` that raises is reported on the `if` " +
      "line when every condition of the chain qualifies; the raise must be a statement of the branch itself, so a raise " +
      "inside a nested `if` is judged with that inner `if` (a raise under `for`, `try` or `with` in the branch is not followed), " +
      "and an `if` inside a branch of an enclosing `if`/`elif`/`else` whose condition is not input-only (`if user.is_trial:`) " +
      "does not fire: the check then depends on who asks or on loaded state, which no constraint on the input can express; " +
      "an exception bound to a name (in the handler or at module level, here or in another module) is followed to its " +
      "`HTTPException(...)` call; project subclasses of `RequestValidationError` count, other project exception classes do not. " +
      "Not request input, so the `if` does not fire: parameters filled by `Depends()`/`Security()` (they were loaded, often from " +
      "the database), `Request`, `WebSocket`, `Response`, `BackgroundTasks`, `SecurityScopes` and `HTTPConnection` parameters, " +
      "`self`/`cls`, a parameter (or an attribute of one, `payload.user_id = user.id`) reassigned in the handler before the `if`, and any local variable, even one computed from " +
      "input (`name = item.name.strip()`): RULES.md asks for conditions on the parameters themselves. A call to a project " +
      "function or to an unknown method, `await`, settings objects and other non-literal module names disqualify the `if`. " +
      "A condition must reference at least one input parameter. An equality test of a credential-named input against a " +
      "constant (`x_token != SECRET`) is an authentication check, reported by FAPI003, not here. An `==`/`!=` test between two different parameters (`if item_id != item.id`: the path and the body disagree) checks that two inputs agree, which no one parameter's model or `Field` can express, and does not fire; two fields of one parameter (`payload.source == payload.target`, a model validator's job) and orderings (`start <= end`) still do. " +
      "`if error:` (or `is not None`) on a parameter named `error`, `error_code`, `error_description` or `err` passes on a failure the caller reports (an OAuth provider redirects to the callback with `?error=access_denied`) and does not fire. Websocket handlers are " +
      "not checked.",
    why:
      "A check written in the handler body runs after FastAPI has already accepted the request, so the constraint is " +
      "invisible in the OpenAPI schema, clients cannot know it, the error shape differs from FastAPI's own 422 errors, and " +
      "every other endpoint taking the same input has to repeat it. Declared on the model or parameter, the constraint is " +
      "enforced before the handler runs, documented in /docs, and reported in the standard validation error format.",
    example:
      "from fastapi import FastAPI, HTTPException\nfrom pydantic import BaseModel\n\napp = FastAPI()\n\n\n" +
      "class UserIn(BaseModel):\n    username: str\n\n\n" +
      '@app.post("/users")\nasync def create_user(user: UserIn):\n    if len(user.username) < 3:\n' +
      '        raise HTTPException(status_code=422, detail="username too short")\n    return user',
    instead:
      "from fastapi import FastAPI\nfrom pydantic import BaseModel, Field\n\napp = FastAPI()\n\n\n" +
      "class UserIn(BaseModel):\n    username: str = Field(min_length=3)\n\n\n" +
      '@app.post("/users")\nasync def create_user(user: UserIn) -> UserIn:\n    return user',
  },
  check({ index }) {
    const hits: RuleHit[] = [];
    for (const route of index.routes()) {
      // Apps defined inside tests are fixtures for the test, not API surface anyone consumes.
      if (route.kind !== "http" || route.module.isTest) continue;
      const fn = route.fn;
      const ifs = factsOf(fn.scope).ifs.map((f) => f.node);
      // Most `if`s raise no 400/422: the handler's inputs (which resolve every parameter's annotation) are only
      // worked out once one does.
      let inputs: Set<string> | null = null;
      const inputsOf = () => (inputs ??= requestInputs(index, fn));
      for (const ifNode of ifs) {
        const found = checkIf(index, fn, inputsOf, ifNode);
        if (found.length > 0 && !underBusinessCondition(index, fn, inputsOf(), ifNode)) hits.push(...found);
      }
    }
    return hits;
  },
};

/**
 * Whether an `if` sits in a branch of an enclosing `if` whose condition is not request input alone
 * (`if key.is_admin: if not data.ref: raise 400`): the check then depends on who asks or on loaded state, which
 * no `Field` constraint or validator on the input can express.
 */
function underBusinessCondition(index: ProjectIndex, fn: FunctionInfo, inputs: Set<string>, ifNode: Node): boolean {
  for (let p = ifNode.parent; p && p.id !== fn.node.id; p = p.parent) {
    if (p.type !== "block") continue;
    const branch = p.parent;
    if (!branch) continue;
    let owner: Node | null = null;
    let conditions: (Node | null)[] = [];
    if (branch.type === "if_statement" || branch.type === "elif_clause") {
      owner = branch.type === "if_statement" ? branch : branch.parent;
      conditions = [branch.childForFieldName("condition")];
    } else if (branch.type === "else_clause" && branch.parent?.type === "if_statement") {
      owner = branch.parent;
      conditions = [owner.childForFieldName("condition"), ...owner.childrenForFieldName("alternative").map((a) => (a?.type === "elif_clause" ? a.childForFieldName("condition") : null))];
    } else continue;
    if (!owner) continue;
    const at = owner.startIndex;
    if (conditions.some((c) => c && !new InputCondition(index, fn, inputs, at).qualifies(c))) return true;
  }
  return false;
}

/** The `if`, each `elif`, and an `else` judged against the whole chain. */
function checkIf(index: ProjectIndex, fn: FunctionInfo, inputsOf: () => Set<string>, ifNode: Node): RuleHit[] {
  const hits: RuleHit[] = [];
  // No input parameter: no condition can reference one.
  const judge = (condition: Node | null) => {
    if (!condition || reportsUpstreamError(condition)) return false;
    const inputs = inputsOf();
    return inputs.size > 0 && new InputCondition(index, fn, inputs, ifNode.startIndex).qualifies(condition);
  };
  const branches: { node: Node; condition: Node | null; body: Node | null }[] = [
    { node: ifNode, condition: ifNode.childForFieldName("condition"), body: ifNode.childForFieldName("consequence") },
  ];
  let elseBody: Node | null = null;
  for (const alt of ifNode.childrenForFieldName("alternative")) {
    if (alt?.type === "elif_clause") branches.push({ node: alt, condition: alt.childForFieldName("condition"), body: alt.childForFieldName("consequence") });
    else if (alt?.type === "else_clause") elseBody = alt.childForFieldName("body");
  }
  // Most `if`s raise nothing: look at the raise (cheap) before judging the condition (walks the index).
  const verdicts: (boolean | undefined)[] = [];
  const verdict = (i: number) => (verdicts[i] ??= judge(branches[i]!.condition));
  branches.forEach((b, i) => {
    if (b.condition && raisesValidationError(index, fn, b.body) && verdict(i)) hits.push({ module: fn.module, node: b.node, end: b.condition });
  });
  const condition = branches[0]?.condition;
  if (elseBody && condition && hits.every((h) => h.node !== ifNode) && raisesValidationError(index, fn, elseBody) && branches.every((_, i) => verdict(i))) {
    hits.push({ module: fn.module, node: ifNode, end: condition });
  }
  return hits;
}

/**
 * Parameters through which a caller passes on an error it was given: an OAuth provider redirects to the callback
 * with `?error=access_denied` instead of a code.
 */
const UPSTREAM_ERROR_PARAMS = new Set(["error", "error_code", "error_description", "err"]);

/**
 * `if error:` (or `if error is not None:`) on such a parameter: the handler passes on the failure the request
 * reports, which is not a constraint on the input (no schema says "error must be absent").
 */
function reportsUpstreamError(condition: Node): boolean {
  let n = unparen(condition);
  if (n.type === "comparison_operator" && n.namedChildCount === 2 && n.namedChild(1)?.type === "none" && /\bis\s+not\b/.test(n.text)) n = unparen(n.namedChild(0)!);
  return n.type === "identifier" && UPSTREAM_ERROR_PARAMS.has(n.text);
}

/** Whether a branch body raises a 400/422 as one of its own statements. */
function raisesValidationError(index: ProjectIndex, fn: FunctionInfo, body: Node | null): boolean {
  if (!body) return false;
  for (const stmt of body.namedChildren) {
    if (stmt?.type !== "raise_statement") continue;
    // The raised expression, not the `from` cause (nodes are new objects per access: compare ids).
    const cause = stmt.childForFieldName("cause");
    const exc = stmt.namedChildren.find((c) => c.id !== cause?.id);
    if (exc && isValidationException(index, fn, exc, stmt.startIndex, 0)) return true;
  }
  return false;
}

function isValidationException(index: ProjectIndex, fn: FunctionInfo, expr: Node, before: number, depth: number): boolean {
  if (depth > 4) return false;
  const n = unparen(expr);
  if (n.type === "call") {
    const callee = n.childForFieldName("function");
    const kind = exceptionKind(index, fn, callee);
    if (kind === "validation") return true;
    if (kind !== "http") return false;
    const status = argument(callArguments(n), 0, "status_code");
    const code = statusCodeOf(index, fn.module, status);
    return code !== null && VALIDATION_STATUSES.has(code);
  }
  if (n.type === "identifier") {
    // `bad = HTTPException(400, ...)` earlier in the handler, or a module-level exception.
    const local = index.localBinding(fn.scope, n.text, before);
    if (local) return isValidationException(index, fn, local, before, depth + 1);
  }
  if (n.type === "identifier" || n.type === "attribute") {
    const r = index.resolve(fn.module, n);
    if (r?.def.kind === "value" && r.def.value.type === "call") return isValidationExceptionIn(index, r.module, r.def.value);
  }
  return false;
}

/** A module-level `HTTPException(...)` call, judged in its own module. */
function isValidationExceptionIn(index: ProjectIndex, mod: FunctionInfo["module"], call: Node): boolean {
  const callee = call.childForFieldName("function");
  const q = index.qualify(mod, callee) ?? callee?.text ?? "";
  if (isFastapiName(q, "RequestValidationError")) return true;
  if (!isFastapiName(q, "HTTPException")) return false;
  const code = statusCodeOf(index, mod, argument(callArguments(call), 0, "status_code"));
  return code !== null && VALIDATION_STATUSES.has(code);
}

function exceptionKind(index: ProjectIndex, fn: FunctionInfo, callee: Node | null): "http" | "validation" | null {
  if (!callee) return null;
  const q = index.qualify(fn.module, callee) ?? callee.text;
  if (isFastapiName(q, "HTTPException")) return "http";
  if (isFastapiName(q, "RequestValidationError")) return "validation";
  // A project subclass of RequestValidationError is a 422 whatever it is called.
  for (let cls = index.classFor(fn.module, callee), depth = 0; cls && depth < 8; depth++) {
    let next: typeof cls | null = null;
    for (const base of cls.bases) {
      const bq = index.qualify(cls.module, base) ?? base.text;
      if (isFastapiName(bq, "RequestValidationError")) return "validation";
      next ??= index.classFor(cls.module, base);
    }
    cls = next;
  }
  return null;
}

/** `fastapi.HTTPException`, `starlette.exceptions.HTTPException`, or the bare name when a snippet has no import. */
function isFastapiName(qualified: string, name: string): boolean {
  if (qualified === name) return true;
  return (qualified.startsWith("fastapi.") || qualified.startsWith("starlette.")) && qualified.endsWith(`.${name}`);
}

