import type { SyntaxNode as Node } from "../python/flat-tree.js";
import { factsOf, type FunctionInfo, type ModuleInfo } from "../python/module.js";
import type { ProjectIndex } from "../python/project-index.js";
import { stringLiteral, unparen } from "../python/syntax.js";
import { containerMutations } from "./fapi001-global-state.js";

/** Parameter types FastAPI fills from the connection itself: not request input a model could validate. */
const SPECIAL_TYPES = new Set(["Request", "WebSocket", "Response", "BackgroundTasks", "SecurityScopes", "HTTPConnection"]);

/** Builtins without side effects a validation condition may call or name (`isinstance(x, int)`). */
const PURE_BUILTINS = new Set([
  "len", "isinstance", "issubclass", "any", "all", "min", "max", "sum", "sorted", "abs", "round", "int", "str",
  "float", "bool", "bytes", "list", "dict", "set", "tuple", "frozenset", "type", "hasattr", "getattr", "callable",
  "repr", "range", "enumerate", "zip", "reversed", "ord", "chr", "divmod", "pow", "hex", "oct", "bin", "format",
  "hash", "map", "filter",
]);

/** Standard-library functions and values without side effects. */
const PURE_STDLIB = new Set([
  "re.match", "re.fullmatch", "re.search", "re.findall", "re.compile", "re.escape", "re.IGNORECASE", "re.I",
  "os.path.splitext", "os.path.basename", "os.path.dirname", "os.path.join", "os.path.normpath", "os.path.isabs",
  "pathlib.Path", "pathlib.PurePath", "pathlib.PurePosixPath",
  "math.isnan", "math.isinf", "math.isfinite", "math.floor", "math.ceil", "math.inf",
  "datetime.datetime", "datetime.date", "datetime.time", "datetime.timedelta", "datetime.timezone.utc", "datetime.UTC",
  "datetime.datetime.now", "datetime.datetime.utcnow", "datetime.datetime.today", "datetime.date.today",
  "datetime.datetime.fromisoformat", "datetime.date.fromisoformat",
  "string.ascii_letters", "string.ascii_lowercase", "string.ascii_uppercase", "string.digits", "string.punctuation",
  "string.whitespace", "sys.maxsize", "uuid.UUID",
]);

/**
 * Methods that only read their object: `str`, `bytes`, `dict`, `set`, `list`, compiled-pattern, date and path
 * methods. Anything else on an input (a model's own method) may be project code, which disqualifies.
 */
const PURE_METHODS = new Set([
  "strip", "lstrip", "rstrip", "lower", "upper", "casefold", "title", "capitalize", "isdigit", "isnumeric",
  "isdecimal", "isalpha", "isalnum", "isspace", "islower", "isupper", "isascii", "isidentifier", "istitle",
  "startswith", "endswith", "split", "rsplit", "splitlines", "replace", "count", "find", "rfind", "partition",
  "rpartition", "join", "encode", "decode", "removeprefix", "removesuffix",
  "keys", "values", "items", "get", "issubset", "issuperset", "isdisjoint", "intersection", "union", "difference",
  "symmetric_difference",
  "match", "fullmatch", "search", "findall",
  "date", "time", "timestamp", "isoformat", "weekday", "isoweekday", "total_seconds", "astimezone", "utcoffset",
  "with_suffix", "is_absolute",
]);

/** FAPI003's credential name pattern: equality against such an input is an auth check, not validation. */
const CREDENTIAL_NAME = /(^|_)(pas+wo?r?d|passphrase|pwd|secret|secret_key|api_?key|private_key|access_key|client_secret|jwt_secret|auth_token|access_token|refresh_token|token)($|_)/i;

/** Names of the handler's parameters that carry request input (path, query, header, cookie, body, form, file). */
export function requestInputs(index: ProjectIndex, fn: FunctionInfo): Set<string> {
  const out = new Set<string>();
  fn.params.forEach((p, i) => {
    if (p.splat || !p.name) return;
    if (i === 0 && fn.outer.kind === "class" && (p.name === "self" || p.name === "cls")) return;
    if (index.parameterDependency(fn, p)) return;
    const { type, module } = index.unwrapAnnotation(fn.module, p.annotation);
    if (type && isSpecialType(index, module, type)) return;
    out.add(p.name);
  });
  return out;
}

function isSpecialType(index: ProjectIndex, mod: ModuleInfo, type: Node): boolean {
  const q = index.qualify(mod, type) ?? type.text;
  const last = q.slice(q.lastIndexOf(".") + 1);
  if (!SPECIAL_TYPES.has(last)) return false;
  return q === last || q.startsWith("fastapi.") || q.startsWith("starlette.");
}

/**
 * Judges one `if` condition: true when it reads only request-input parameters (at least one), literals,
 * literal constants and side-effect-free builtins, standard-library functions and read-only methods.
 */
export class InputCondition {
  private usesInput = false;
  private credentialCheck = false;
  private crossInputCheck = false;
  private readonly inputs: Set<string>;
  /** Attributes of the input the handler assigned before the `if` (`payload.user_id = user.id`). */
  private readonly reboundAttributes: Set<string>;

  constructor(
    private readonly index: ProjectIndex,
    private readonly fn: FunctionInfo,
    inputs: Set<string>,
    at: number,
  ) {
    // A parameter rebound before the `if` holds whatever the handler put there, no longer the request's value.
    const { names, attributes } = rebound(fn, at);
    this.inputs = new Set([...inputs].filter((n) => !names.has(n)));
    this.reboundAttributes = attributes;
  }

  qualifies(condition: Node): boolean {
    return this.pure(condition, new Set()) && this.usesInput && !this.credentialCheck && !this.crossInputCheck;
  }

  private pure(node: Node, bound: ReadonlySet<string>): boolean {
    const n = unparen(node);
    switch (n.type) {
      case "integer":
      case "float":
      case "true":
      case "false":
      case "none":
      case "ellipsis":
      case "string_content":
      case "escape_sequence":
      case "string_start":
      case "string_end":
        return true;
      case "string":
        return n.namedChildren.every((c) => !c || c.type !== "interpolation" || this.children(c, bound));
      case "interpolation": {
        const expr = n.namedChild(0);
        return !expr || this.pure(expr, bound);
      }
      case "concatenated_string":
      case "tuple":
      case "list":
      case "set":
      case "expression_list":
      case "dictionary":
      case "pair":
      case "boolean_operator":
      case "not_operator":
      case "binary_operator":
      case "unary_operator":
      case "conditional_expression":
      case "slice":
      case "parenthesized_expression":
        return this.children(n, bound);
      case "comparison_operator":
        this.noteCredentialCheck(n, bound);
        this.noteCrossInputCheck(n, bound);
        return this.children(n, bound);
      case "identifier":
        return this.pureName(n, bound);
      case "attribute":
        return this.pureAttribute(n, bound);
      case "subscript": {
        const value = n.childForFieldName("value");
        return !!value && this.pure(value, bound) && n.childrenForFieldName("subscript").every((s) => !s || this.pure(s, bound));
      }
      case "call":
        return this.pureCall(n, bound);
      case "generator_expression":
      case "list_comprehension":
      case "set_comprehension":
      case "dictionary_comprehension":
        return this.pureComprehension(n, bound);
      default:
        // await, lambda, walrus, yield...: not a plain read of the input.
        return false;
    }
  }

  private children(n: Node, bound: ReadonlySet<string>): boolean {
    return n.namedChildren.every((c) => !c || c.type === "comment" || this.pure(c, bound));
  }

  private pureName(n: Node, bound: ReadonlySet<string>): boolean {
    const name = n.text;
    if (bound.has(name)) return true;
    if (this.inputs.has(name)) {
      this.usesInput = true;
      return true;
    }
    if (this.fn.params.some((p) => p.name === name)) return false;
    const q = this.index.qualify(this.fn.module, n);
    if (q === null || q === `builtins.${name}`) return PURE_BUILTINS.has(name) && !isLocal(this.fn, name);
    if (PURE_STDLIB.has(q)) return true;
    return this.isConstant(n);
  }

  private pureAttribute(n: Node, bound: ReadonlySet<string>): boolean {
    // `payload.user_id = scope.user_id` then `if payload.user_id is None`: the handler's value, not the request's.
    if (this.reboundAttributes.size > 0 && this.reboundAttributes.has(attributePath(n))) return false;
    if (!this.rootIsParamOrLocal(n)) {
      const q = this.index.qualify(this.fn.module, n);
      if (q && (PURE_STDLIB.has(q) || this.isConstant(n))) return true;
    }
    const obj = n.childForFieldName("object");
    return !!obj && this.pure(obj, bound);
  }

  private pureCall(n: Node, bound: ReadonlySet<string>): boolean {
    const callee = n.childForFieldName("function");
    if (!callee) return false;
    let calleeOk = false;
    if (callee.type === "identifier") {
      const name = callee.text;
      if (!bound.has(name) && !this.fn.params.some((p) => p.name === name)) {
        const q = this.index.qualify(this.fn.module, callee);
        calleeOk = q === null || q === `builtins.${name}` ? PURE_BUILTINS.has(name) && !isLocal(this.fn, name) : PURE_STDLIB.has(q);
      }
    } else if (callee.type === "attribute") {
      const q = this.index.qualify(this.fn.module, callee);
      if (q && PURE_STDLIB.has(q) && !this.rootIsParamOrLocal(callee)) calleeOk = true;
      else {
        const method = callee.childForFieldName("attribute")?.text ?? "";
        const obj = callee.childForFieldName("object");
        calleeOk = PURE_METHODS.has(method) && !!obj && this.pure(obj, bound);
      }
    }
    if (!calleeOk) return false;
    const args = n.childForFieldName("arguments");
    if (!args) return true;
    if (args.type === "generator_expression") return this.pure(args, bound);
    return args.namedChildren.every((a) => {
      if (!a || a.type === "comment") return true;
      if (a.type === "keyword_argument") {
        const v = a.childForFieldName("value");
        return !!v && this.pure(v, bound);
      }
      if (a.type === "list_splat" || a.type === "dictionary_splat") return this.children(a, bound);
      return this.pure(a, bound);
    });
  }

  private pureComprehension(n: Node, bound: ReadonlySet<string>): boolean {
    const inner = new Set(bound);
    const rest: Node[] = [];
    for (const c of n.namedChildren) {
      if (!c || c.type === "comment") continue;
      if (c.type === "for_in_clause") {
        const right = c.childForFieldName("right");
        if (!right || !this.pure(right, inner)) return false;
        for (const id of identifiersIn(c.childForFieldName("left"))) inner.add(id);
      } else rest.push(c);
    }
    return rest.every((c) => (c.type === "if_clause" ? this.children(c, inner) : this.pure(c, inner)));
  }

  /** A module-level name bound to a literal (or `re.compile(literal)`), here or in another project module. */
  private isConstant(n: Node): boolean {
    if (n.type === "identifier" && isLocal(this.fn, n.text)) return false;
    const r = this.index.resolve(this.fn.module, n);
    if (r?.def.kind !== "value") return classConstant(this.index, this.fn.module, n, 0);
    return !isStore(r.module, r.def.target, r.def.value) && isLiteral(this.index, r.module, r.def.value, 0);
  }

  private rootIsParamOrLocal(n: Node): boolean {
    let root = n;
    while (root.type === "attribute" && root.childForFieldName("object")) root = root.childForFieldName("object")!;
    return root.type === "identifier" && (this.fn.params.some((p) => p.name === root.text) || isLocal(this.fn, root.text));
  }

  /**
   * `if item_id != item.id`, `if password != password_confirm`: two parameters checked for agreement. Each may be
   * valid on its own; that they agree is a check no one parameter's model or `Field` can make (a path parameter is
   * not part of the body). Two fields of one model (`payload.source == payload.target`) are a model validator's
   * job and still fire, as do orderings (`start <= end`), which bound a range rather than match two copies.
   */
  private noteCrossInputCheck(n: Node, bound: ReadonlySet<string>): void {
    const ops = n.childrenForFieldName("operators").map((o) => o?.text);
    if (ops.length === 0 || !ops.every((o) => o === "==" || o === "!=")) return;
    const roots = new Set<string>();
    let operandsWithInput = 0;
    for (const operand of n.namedChildren) {
      if (!operand) continue;
      const found = this.inputRoots(operand, bound);
      if (found.size > 0) operandsWithInput++;
      for (const r of found) roots.add(r);
    }
    if (operandsWithInput > 1 && roots.size > 1) this.crossInputCheck = true;
  }

  /** The input parameters an expression reads: identifiers, and the roots of attribute chains. */
  private inputRoots(node: Node, bound: ReadonlySet<string>): Set<string> {
    const out = new Set<string>();
    const visit = (c: Node): void => {
      if (c.type === "identifier") {
        if (this.inputs.has(c.text) && !bound.has(c.text)) out.add(c.text);
        return;
      }
      if (c.type === "attribute") {
        const obj = c.childForFieldName("object");
        if (obj) visit(obj);
        return;
      }
      if (c.type === "keyword_argument") {
        const v = c.childForFieldName("value");
        if (v) visit(v);
        return;
      }
      for (const child of c.namedChildren) if (child) visit(child);
    };
    visit(node);
    return out;
  }

  /** `x_token != "secret"`, `api_key == API_KEY`: FAPI003's business, and 400 there means "bad credential". */
  private noteCredentialCheck(n: Node, bound: ReadonlySet<string>): void {
    const ops = n.childrenForFieldName("operators").map((o) => o?.text);
    if (!ops.some((o) => o === "==" || o === "!=")) return;
    const operands = n.namedChildren.filter((c): c is Node => !!c);
    const credential = operands.some((o) => {
      const u = unparen(o);
      const last = u.type === "attribute" ? u.childForFieldName("attribute")?.text : u.type === "identifier" ? u.text : null;
      return !!last && CREDENTIAL_NAME.test(last) && !bound.has(last);
    });
    const constant = operands.some((o) => {
      const u = unparen(o);
      return stringLiteral(u) !== null || ((u.type === "identifier" || u.type === "attribute") && this.isConstant(u));
    });
    if (credential && constant) this.credentialCheck = true;
  }
}

const storeMemo = new WeakMap<ModuleInfo, Map<string, boolean>>();

/**
 * A module-level dict, list or set that the module's functions change (`DB = {"users": {}}`, then
 * `DB["users"][email] = user` in a handler): a store the app keeps data in, as a database would, not a constant.
 * Checking input against it (`if user.email in DB["users"]`) is a business rule.
 */
function isStore(mod: ModuleInfo, target: Node, value: Node): boolean {
  const v = unparen(value);
  if (target.type !== "identifier" || !(v.type === "call" || v.type === "dictionary" || v.type === "list" || v.type === "set")) return false;
  let memo = storeMemo.get(mod);
  if (!memo) storeMemo.set(mod, (memo = new Map()));
  let store = memo.get(target.text);
  if (store === undefined) memo.set(target.text, (store = containerMutations(mod, [target.text]).length > 0));
  return store;
}

function isLiteral(index: ProjectIndex, mod: ModuleInfo, value: Node, depth: number): boolean {
  if (depth > 6) return false;
  const n = unparen(value);
  switch (n.type) {
    case "integer":
    case "float":
    case "true":
    case "false":
    case "none":
      return true;
    case "string":
    case "concatenated_string": {
      const lit = stringLiteral(n);
      return !!lit && !lit.interpolated;
    }
    case "unary_operator":
    case "binary_operator":
    case "tuple":
    case "list":
    case "set":
    case "dictionary":
    case "pair":
      return n.namedChildren.every((c) => !c || c.type === "comment" || isLiteral(index, mod, c, depth + 1));
    case "call": {
      // `frozenset({...})`, `re.compile(r"...")`: values fixed at import time.
      const q = index.qualify(mod, n.childForFieldName("function"));
      if (q !== "builtins.frozenset" && q !== "builtins.set" && q !== "builtins.tuple" && q !== "re.compile") return false;
      const args = n.childForFieldName("arguments");
      return !!args && args.namedChildren.every((c) => !c || isLiteral(index, mod, c, depth + 1) || c.type === "attribute");
    }
    case "identifier":
    case "attribute": {
      const r = index.resolve(mod, n);
      if (r?.def.kind !== "value") return classConstant(index, mod, n, depth + 1);
      return !isStore(r.module, r.def.target, r.def.value) && isLiteral(index, r.module, r.def.value, depth + 1);
    }
    default:
      return false;
  }
}

/**
 * A class attribute bound to a literal in a project class body: enum members (`Kind.B`, `Role.ADMIN = "admin"`,
 * `auto()`) and class-level constants, fixed at import time like module constants.
 */
function classConstant(index: ProjectIndex, mod: ModuleInfo, n: Node, depth: number): boolean {
  if (n.type !== "attribute" || depth > 6) return false;
  const attr = n.childForFieldName("attribute")?.text;
  const cls = index.classFor(mod, n.childForFieldName("object"));
  if (!cls || !attr) return false;
  let value: Node | null = null;
  for (const fact of factsOf(cls.scope).assignments) {
    const left = fact.node.childForFieldName("left");
    if (left?.type === "identifier" && left.text === attr) value = fact.node.childForFieldName("right");
  }
  if (!value) return false;
  const v = unparen(value);
  if (v.type === "call" && index.qualify(cls.module, v.childForFieldName("function")) === "enum.auto") return true;
  return isLiteral(index, cls.module, v, depth + 1);
}

/** Whether a name is assigned anywhere in the handler's own scope (then it is a local, not a builtin or constant). */
function isLocal(fn: FunctionInfo, name: string): boolean {
  for (const fact of factsOf(fn.scope).assignments) {
    if (identifiersIn(fact.node.childForFieldName("left")).includes(name)) return true;
  }
  return false;
}

/**
 * What the handler's own code rebinds before `before`: names (`q = q.strip()`, `with ... as q`) and attribute
 * chains (`payload.user_id = user.id`, `a.b += 1`).
 */
function rebound(fn: FunctionInfo, before: number): { names: Set<string>; attributes: Set<string> } {
  const names = new Set<string>();
  const attributes = new Set<string>();
  const own = factsOf(fn.scope);
  const collectAttributes = (t: Node | null): void => {
    if (!t) return;
    if (t.type === "attribute") attributes.add(attributePath(t));
    else if (t.type === "pattern_list" || t.type === "tuple_pattern" || t.type === "list_pattern") for (const c of t.namedChildren) collectAttributes(c);
  };
  for (const list of [own.assignments, own.augmentedAssignments]) {
    for (const fact of list) {
      if (fact.node.startIndex >= before) continue;
      const left = fact.node.childForFieldName("left");
      for (const id of identifiersIn(left)) names.add(id);
      collectAttributes(left);
    }
  }
  for (const fact of own.withItems) {
    if (fact.node.startIndex >= before) continue;
    const value = fact.node.childForFieldName("value");
    if (value?.type === "as_pattern") for (const id of identifiersIn(value.childForFieldName("alias"))) names.add(id);
  }
  return { names, attributes };
}

/** `a.b.c` with the spaces and line breaks a chain may hold taken out. */
function attributePath(n: Node): string {
  return n.text.replace(/\s+/g, "");
}

/** Names bound by an assignment target or `for` target: `a`, `a, b`, `(a, [b, *c])`. */
function identifiersIn(target: Node | null): string[] {
  if (!target) return [];
  if (target.type === "identifier") return [target.text];
  if (target.type === "attribute" || target.type === "subscript") return [];
  const out: string[] = [];
  for (const c of target.namedChildren) if (c) out.push(...identifiersIn(c));
  return out;
}
