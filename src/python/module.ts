import type { Node, Tree } from "web-tree-sitter";
import type { SourceFile } from "../files/types.js";
import { compiledQuery, type Engine } from "./parser.js";
import { dottedName, isTestPath, moduleNameOf } from "./syntax.js";

/**
 * A lexical scope. "Own scope" of a function (RULES.md) is exactly the nodes whose scope is that function's:
 * nested def, lambda and class bodies get their own. Parameters, defaults and decorators belong to the
 * enclosing scope, as Python evaluates them there.
 */
export interface Scope {
  kind: "module" | "function" | "lambda" | "class";
  node: Node;
  parent: Scope | null;
  fn: FunctionInfo | null;
  cls: ClassInfo | null;
}

export interface ParamInfo {
  name: string;
  node: Node;
  annotation: Node | null;
  default: Node | null;
  /** `*args` / `**kwargs`. */
  splat: boolean;
}

export interface FunctionInfo {
  node: Node;
  name: string;
  isAsync: boolean;
  params: ParamInfo[];
  returns: Node | null;
  /** Decorator expressions (what follows `@`). */
  decorators: Node[];
  /** The scope the function defines (its body). */
  scope: Scope;
  /** The scope the `def` statement stands in. */
  outer: Scope;
  module: ModuleInfo;
}

export interface ClassInfo {
  node: Node;
  name: string;
  bases: Node[];
  keywords: Map<string, Node>;
  scope: Scope;
  outer: Scope;
  module: ModuleInfo;
}

/** A node of interest with the scope it executes in. */
export interface Fact {
  node: Node;
  scope: Scope;
}

export interface ImportBinding {
  /** Fully qualified target: `requests`, `time.sleep`, `app.api.deps.SessionDep`. */
  target: string;
  node: Node;
}

export interface ModuleInfo {
  file: SourceFile;
  /** Dotted name from the path relative to the scanned root. */
  name: string;
  /** Package used to resolve relative imports (the module itself for `__init__.py`). */
  packageName: string;
  isTest: boolean;
  tree: Tree;
  root: Node;
  moduleScope: Scope;
  imports: Map<string, ImportBinding>;
  /** Modules imported with `from m import *`. */
  starImports: string[];
  functions: FunctionInfo[];
  classes: ClassInfo[];
  calls: Fact[];
  returns: Fact[];
  yields: Fact[];
  ifs: Fact[];
  globals: Fact[];
  assignments: Fact[];
  augmentedAssignments: Fact[];
  deletes: Fact[];
  withItems: Fact[];
  comparisons: Fact[];
  /** Module-level definitions by name: assignments' right-hand sides, defs and classes. Last one wins. */
  definitions: Map<string, Definition>;
  /** `# noqa` comments by 1-based line: null for a bare noqa, else the codes. */
  noqa: Map<number, Set<string> | null>;
  /** Syntax errors the parser recovered from. */
  syntaxErrors: { line: number; column: number; message: string }[];
}

export type Definition =
  | { kind: "function"; fn: FunctionInfo }
  | { kind: "class"; cls: ClassInfo }
  | { kind: "value"; value: Node; target: Node; annotation: Node | null };

const FACTS_QUERY = `
(function_definition) @function
(lambda) @lambda
(class_definition) @class
(call) @call
(import_statement) @import
(import_from_statement) @import
(global_statement) @global
(if_statement) @if
(return_statement) @return
(yield) @yield
(assignment) @assign
(augmented_assignment) @augassign
(delete_statement) @delete
(with_item) @with
(comparison_operator) @compare
(comment) @comment
(type_alias_statement) @typealias
`;

interface OpenScope {
  scope: Scope;
  activeFrom: number;
  end: number;
}

const NOQA = /#\s*noqa(?::\s*([A-Za-z]+[0-9]+(?:[\s,]+[A-Za-z]+[0-9]+)*))?/i;

/** Parses the facts of one module in a single query pass over its tree. */
export function buildModule(engine: Engine, file: SourceFile, tree: Tree): ModuleInfo {
  const root = tree.rootNode;
  const name = moduleNameOf(file.path);
  const isInit = /(^|\/)__init__\.py$/.test(file.path);
  const moduleScope: Scope = { kind: "module", node: root, parent: null, fn: null, cls: null };
  const mod: ModuleInfo = {
    file,
    name,
    packageName: isInit ? name : name.split(".").slice(0, -1).join("."),
    isTest: isTestPath(file.path),
    tree,
    root,
    moduleScope,
    imports: new Map(),
    starImports: [],
    functions: [],
    classes: [],
    calls: [],
    returns: [],
    yields: [],
    ifs: [],
    globals: [],
    assignments: [],
    augmentedAssignments: [],
    deletes: [],
    withItems: [],
    comparisons: [],
    definitions: new Map(),
    noqa: new Map(),
    syntaxErrors: [],
  };

  const query = compiledQuery(engine, FACTS_QUERY);
  const stack: OpenScope[] = [];
  const scopeAt = (start: number): Scope => {
    while (stack.length > 0 && stack[stack.length - 1]!.end <= start) stack.pop();
    for (let i = stack.length - 1; i >= 0; i--) {
      const open = stack[i]!;
      if (open.activeFrom <= start) return open.scope;
    }
    return moduleScope;
  };

  for (const capture of query.captures(root)) {
    const node = capture.node;
    const scope = scopeAt(node.startIndex);
    switch (capture.name) {
      case "function": {
        const fn = functionInfo(node, scope, mod);
        mod.functions.push(fn);
        const body = node.childForFieldName("body");
        stack.push({ scope: fn.scope, activeFrom: body ? body.startIndex : node.endIndex, end: node.endIndex });
        if (scope.kind === "module") {
          const n = node.childForFieldName("name");
          if (n) mod.definitions.set(n.text, { kind: "function", fn });
        }
        break;
      }
      case "lambda": {
        const body = node.childForFieldName("body");
        const s: Scope = { kind: "lambda", node, parent: scope, fn: null, cls: null };
        stack.push({ scope: s, activeFrom: body ? body.startIndex : node.endIndex, end: node.endIndex });
        break;
      }
      case "class": {
        const cls = classInfo(node, scope, mod);
        mod.classes.push(cls);
        const body = node.childForFieldName("body");
        stack.push({ scope: cls.scope, activeFrom: body ? body.startIndex : node.endIndex, end: node.endIndex });
        if (scope.kind === "module") mod.definitions.set(cls.name, { kind: "class", cls });
        break;
      }
      case "call":
        mod.calls.push({ node, scope });
        break;
      case "import":
        addImport(mod, node);
        break;
      case "global":
        mod.globals.push({ node, scope });
        break;
      case "if":
        mod.ifs.push({ node, scope });
        break;
      case "return":
        mod.returns.push({ node, scope });
        break;
      case "yield":
        mod.yields.push({ node, scope });
        break;
      case "assign":
        mod.assignments.push({ node, scope });
        if (scope.kind === "module") addDefinition(mod, node);
        break;
      case "augassign":
        mod.augmentedAssignments.push({ node, scope });
        break;
      case "delete":
        mod.deletes.push({ node, scope });
        break;
      case "with":
        mod.withItems.push({ node, scope });
        break;
      case "compare":
        mod.comparisons.push({ node, scope });
        break;
      case "comment": {
        const m = NOQA.exec(node.text);
        if (m) {
          const line = node.startPosition.row + 1;
          mod.noqa.set(line, m[1] ? new Set(m[1].toUpperCase().split(/[\s,]+/).filter(Boolean)) : null);
        }
        break;
      }
      case "typealias": {
        // PEP 695: `type SessionDep = Annotated[Session, Depends(get_db)]`.
        const left = node.childForFieldName("left");
        const right = node.childForFieldName("right");
        const id = left?.type === "type" ? left.namedChild(0) : left;
        if (scope.kind === "module" && id && right) {
          mod.definitions.set(id.text, { kind: "value", value: right, target: id, annotation: null });
        }
        break;
      }
    }
  }
  if (root.hasError) mod.syntaxErrors = collectSyntaxErrors(root);
  return mod;
}

function functionInfo(node: Node, outer: Scope, mod: ModuleInfo): FunctionInfo {
  const scope: Scope = { kind: "function", node, parent: outer, fn: null, cls: null };
  const decorated = node.parent?.type === "decorated_definition" ? node.parent : null;
  const decorators: Node[] = [];
  if (decorated) {
    for (const child of decorated.namedChildren) {
      if (child?.type === "decorator" && child.namedChild(0)) decorators.push(child.namedChild(0)!);
    }
  }
  // `async def`: the first token of the definition is the `async` keyword.
  const isAsync = node.firstChild?.type === "async";
  const fn: FunctionInfo = {
    node,
    name: node.childForFieldName("name")?.text ?? "",
    isAsync,
    params: parameters(node.childForFieldName("parameters")),
    returns: node.childForFieldName("return_type"),
    decorators,
    scope,
    outer,
    module: mod,
  };
  scope.fn = fn;
  return fn;
}

function parameters(params: Node | null): ParamInfo[] {
  const out: ParamInfo[] = [];
  if (!params) return out;
  for (const p of params.namedChildren) {
    if (!p) continue;
    switch (p.type) {
      case "identifier":
        out.push({ name: p.text, node: p, annotation: null, default: null, splat: false });
        break;
      case "typed_parameter": {
        const inner = p.namedChild(0);
        const splat = inner?.type === "list_splat_pattern" || inner?.type === "dictionary_splat_pattern";
        const id = splat ? inner?.namedChild(0) : inner;
        out.push({ name: id?.text ?? "", node: p, annotation: p.childForFieldName("type"), default: null, splat });
        break;
      }
      case "default_parameter":
      case "typed_default_parameter":
        out.push({
          name: p.childForFieldName("name")?.text ?? "",
          node: p,
          annotation: p.childForFieldName("type"),
          default: p.childForFieldName("value"),
          splat: false,
        });
        break;
      case "list_splat_pattern":
      case "dictionary_splat_pattern":
        out.push({ name: p.namedChild(0)?.text ?? "", node: p, annotation: null, default: null, splat: true });
        break;
    }
  }
  return out;
}

function classInfo(node: Node, outer: Scope, mod: ModuleInfo): ClassInfo {
  const scope: Scope = { kind: "class", node, parent: outer, fn: null, cls: null };
  const bases: Node[] = [];
  const keywords = new Map<string, Node>();
  const supers = node.childForFieldName("superclasses");
  if (supers) {
    for (const a of supers.namedChildren) {
      if (!a) continue;
      if (a.type === "keyword_argument") {
        const k = a.childForFieldName("name");
        const v = a.childForFieldName("value");
        if (k && v) keywords.set(k.text, v);
      } else if (a.type !== "comment") bases.push(a);
    }
  }
  const cls: ClassInfo = { node, name: node.childForFieldName("name")?.text ?? "", bases, keywords, scope, outer, module: mod };
  scope.cls = cls;
  return cls;
}

function addDefinition(mod: ModuleInfo, assign: Node): void {
  const left = assign.childForFieldName("left");
  const right = assign.childForFieldName("right");
  const annotation = assign.childForFieldName("type");
  if (left?.type !== "identifier") return;
  // `X: Final = ...`, `X = ...`; a bare annotation `X: int` defines nothing to follow.
  if (right) {
    // Chained `a = b = value`: the right side is another assignment.
    let value = right;
    while (value.type === "assignment" && value.childForFieldName("right")) value = value.childForFieldName("right")!;
    mod.definitions.set(left.text, { kind: "value", value, target: left, annotation });
  }
}

function resolveRelative(mod: ModuleInfo, relative: Node): string {
  // `from ..deps import x`: one dot is the current package, each further dot goes one package up.
  const text = relative.text;
  const dots = /^\.+/.exec(text)?.[0].length ?? 0;
  const rest = text.slice(dots);
  const base = mod.packageName.split(".").filter(Boolean);
  const up = base.slice(0, Math.max(0, base.length - (dots - 1)));
  return [...up, ...(rest ? rest.split(".") : [])].join(".");
}

function addImport(mod: ModuleInfo, node: Node): void {
  if (node.type === "import_statement") {
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === "dotted_name") {
        // `import a.b.c` binds `a`; attribute chains then resolve through it.
        const first = child.namedChild(0)?.text;
        if (first) mod.imports.set(first, { target: first, node });
      } else if (child.type === "aliased_import") {
        const nameNode = child.childForFieldName("name");
        const alias = child.childForFieldName("alias");
        if (nameNode && alias) mod.imports.set(alias.text, { target: nameNode.text, node });
      }
    }
    return;
  }
  const moduleNode = node.childForFieldName("module_name");
  if (!moduleNode) return;
  const from = moduleNode.type === "relative_import" ? resolveRelative(mod, moduleNode) : moduleNode.text;
  const join = (n: string) => (from ? `${from}.${n}` : n);
  let sawName = false;
  for (const child of node.childrenForFieldName("name")) {
    if (!child) continue;
    sawName = true;
    if (child.type === "dotted_name") mod.imports.set(child.text, { target: join(child.text), node });
    else if (child.type === "aliased_import") {
      const nameNode = child.childForFieldName("name");
      const alias = child.childForFieldName("alias");
      if (nameNode && alias) mod.imports.set(alias.text, { target: join(nameNode.text), node });
    }
  }
  if (!sawName && node.namedChildren.some((c) => c?.type === "wildcard_import")) mod.starImports.push(from);
}

function collectSyntaxErrors(root: Node): { line: number; column: number; message: string }[] {
  const errors: { line: number; column: number; message: string }[] = [];
  // Iterative: deeply nested code must not overflow the JS stack.
  const pending: Node[] = [root];
  while (pending.length > 0 && errors.length < 5) {
    const n = pending.pop()!;
    if (n.isError || n.isMissing) {
      errors.push({
        line: n.startPosition.row + 1,
        column: n.startPosition.column + 1,
        message: n.isMissing ? `missing ${n.type}` : `cannot parse ${JSON.stringify(n.text.slice(0, 40))}`,
      });
      continue;
    }
    if (!n.hasError) continue;
    const children = n.children;
    for (let i = children.length - 1; i >= 0; i--) if (children[i]) pending.push(children[i]!);
  }
  return errors.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Whether `inner` is the scope `outer` or lies within it. */
export function scopeWithin(inner: Scope, outer: Scope): boolean {
  for (let s: Scope | null = inner; s; s = s.parent) if (s === outer) return true;
  return false;
}

/** The function whose own scope a fact is in, or null (module level, lambda or class body). */
export function ownFunction(scope: Scope): FunctionInfo | null {
  return scope.kind === "function" ? scope.fn : null;
}

export { dottedName };
