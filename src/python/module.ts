import type { SourceFile } from "../files/types.js";
import { SyntaxNode as SyntaxNodeClass, type FlatTree, type SyntaxNode as Node } from "./flat-tree.js";
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
  module: ModuleInfo;
  /** Where the scope's own code begins (its body; the whole file for the module) and where it ends. */
  activeFrom: number;
  end: number;
  /** Scopes directly nested in this one, ordered by where their bodies begin (their bodies never overlap). */
  children: Scope[];
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
  tree: FlatTree;
  root: Node;
  moduleScope: Scope;
  imports: Map<string, ImportBinding>;
  /** Modules imported with `from m import *`. */
  starImports: string[];
  functions: FunctionInfo[];
  classes: ClassInfo[];
  globals: Fact[];
  /**
   * Every fact of the module in source order, read from the tree on first use of any of these lists. Rules that
   * look at one function's own code use `factsOf(scope)` instead, which reads only that scope.
   */
  readonly calls: readonly Fact[];
  readonly returns: readonly Fact[];
  readonly yields: readonly Fact[];
  readonly ifs: readonly Fact[];
  readonly assignments: readonly Fact[];
  readonly augmentedAssignments: readonly Fact[];
  readonly deletes: readonly Fact[];
  readonly withItems: readonly Fact[];
  readonly comparisons: readonly Fact[];
  /** Module-level definitions by name: assignments' right-hand sides, defs and classes. Last one wins. */
  definitions: Map<string, Definition>;
  /** `# noqa` (and Bandit's `# nosec`) comments by 1-based line: null for a bare noqa, else the codes they silence. */
  noqa: Map<number, Set<string> | null>;
  /** Syntax errors the parser recovered from. */
  syntaxErrors: { line: number; column: number; message: string }[];
}

export type Definition =
  | { kind: "function"; fn: FunctionInfo }
  | { kind: "class"; cls: ClassInfo }
  | { kind: "value"; value: Node; target: Node; annotation: Node | null };

/** The facts a scope's own code holds (nested def, lambda and class bodies excluded), in source order. */
export interface ScopeFacts {
  readonly calls: Fact[];
  readonly returns: Fact[];
  readonly yields: Fact[];
  readonly ifs: Fact[];
  readonly assignments: Fact[];
  readonly augmentedAssignments: Fact[];
  readonly deletes: Fact[];
  readonly withItems: Fact[];
  readonly comparisons: Fact[];
}

type FactKind = keyof ScopeFacts;

/** The statements and expressions rules read, by node type: a scope's facts are its own nodes of these types. */
const FACT_TYPES: Readonly<Record<string, FactKind>> = {
  call: "calls",
  if_statement: "ifs",
  return_statement: "returns",
  yield: "yields",
  assignment: "assignments",
  augmented_assignment: "augmentedAssignments",
  delete_statement: "deletes",
  with_item: "withItems",
  comparison_operator: "comparisons",
};

/**
 * The nodes the skeleton needs: scopes (def, class, lambda), imports, `global` statements, PEP 695 type aliases
 * and noqa comments, by type, each with the keyword that must stand in it.
 */
const DEF = 1;
const CLASS = 2;
const LAMBDA = 3;
const IMPORT = 4;
const GLOBAL = 5;
const ALIAS = 6;
const COMMENT = 7;
const SKELETON_TYPES: Readonly<Record<string, number>> = {
  function_definition: DEF,
  class_definition: CLASS,
  lambda: LAMBDA,
  import_statement: IMPORT,
  import_from_statement: IMPORT,
  global_statement: GLOBAL,
  type_alias_statement: ALIAS,
  comment: COMMENT,
};
const SKELETON_KEYWORDS: readonly (string | undefined)[] = [undefined, "def", "class", "lambda", "import", "global", "type"];

/** Fact kinds in the order of `FactsView`'s lists; a node type's kind in `nodeKinds` is FACT + its position here. */
const FACT_KINDS: readonly FactKind[] = ["calls", "returns", "yields", "ifs", "assignments", "augmentedAssignments", "deletes", "withItems", "comparisons"];
const FACT = 8;

/** Each type id's skeleton kind (DEF...COMMENT), or FACT + its fact kind, or 0; built once per language. */
const nodeKindsByLanguage = new WeakMap<object, Uint8Array>();

function nodeKinds(tree: FlatTree): Uint8Array {
  let kinds = nodeKindsByLanguage.get(tree.language);
  if (!kinds) {
    kinds = new Uint8Array(tree.language.types.length);
    tree.language.types.forEach((t, id) => {
      const fact = FACT_TYPES[t];
      kinds![id] = fact ? FACT + FACT_KINDS.indexOf(fact) : (SKELETON_TYPES[t] ?? 0);
    });
    nodeKindsByLanguage.set(tree.language, kinds);
  }
  return kinds;
}

/**
 * Where a module's fact nodes are: their pre-order indices grouped by kind (kind k at `nodes[offsets[k]]` up to
 * `nodes[offsets[k + 1]]`), each group in pre-order, so in source order. Collected in the skeleton's pass over the
 * tree: reading a kind for some stretch of code is then a binary search and a walk over that kind's nodes alone,
 * where it was a walk over every node of the stretch, once per kind and per asking rule.
 */
interface FactIndex {
  offsets: Int32Array;
  nodes: Int32Array;
}

/** Scratch for the skeleton pass: fact node indices and their kinds in pre-order. */
let factScratch = new Int32Array(1 << 14);
let factKindScratch = new Uint8Array(1 << 14);

function groupFacts(n: number): FactIndex {
  const offsets = new Int32Array(FACT_KINDS.length + 1);
  for (let i = 0; i < n; i++) offsets[factKindScratch[i]! + 1]!++;
  for (let k = 0; k < FACT_KINDS.length; k++) offsets[k + 1]! += offsets[k]!;
  const fill = offsets.slice(0, FACT_KINDS.length);
  const nodes = new Int32Array(n);
  for (let i = 0; i < n; i++) nodes[fill[factKindScratch[i]!]!++] = factScratch[i]!;
  return { offsets, nodes };
}

/** Where a node's keyword child (`def`, `import`...) starts, or -1 when the node has none in the text. */
function keywordAt(tree: FlatTree, node: number, keyword: string): number {
  const names = tree.language.types;
  const first = node + 1 < tree.count && tree.parent[node + 1] === node ? node + 1 : -1;
  for (let c = first; c !== -1; c = tree.next[c]!) {
    // The keyword token itself (anonymous: `lambda` and `type` also name nodes), not one inserted empty.
    if (names[tree.type[c]!] === keyword && !(tree.flags[c]! & 1) && tree.end[c]! > tree.start[c]!) return tree.start[c]!;
  }
  return -1;
}

/** A comment that may silence a finding: `# noqa`, Bandit's `# nosec`, detect-secrets' allowlist pragma. */
const NOQA_HINT = /#[ \t]*(?:no(?:qa|sec)|pragma:[ \t]*allowlist)/i;

const NOQA = /#\s*noqa(?::\s*([A-Za-z]+[0-9]+(?:[\s,]+[A-Za-z]+[0-9]+)*))?/i;

/**
 * Bandit's `# nosec`: the user already told a security linter this line is intended. A bare one silences the
 * security rules (FAPI003, FAPI102); `# nosec B105` (and B106, B107, Bandit's hardcoded-password tests) silences
 * FAPI003. Other Bandit tests have no counterpart here.
 */
const NOSEC = /#\s*nosec\b(?:[ \t:]+(B\d{3}(?:[ \t]*,?[ \t]*B\d{3})*))?/i;
const NOSEC_RULES: Readonly<Record<string, string>> = { B105: "FAPI003", B106: "FAPI003", B107: "FAPI003" };

/** detect-secrets' `# pragma: allowlist secret`: the user marked the line's literal as not a secret. */
const ALLOWLIST_SECRET = /#\s*pragma:\s*allowlist[ \t]+secret\b/i;

/**
 * Other linters' codes for checks these rules make too: ruff's flake8-async blocking calls in `async def`
 * (ASYNC210-ASYNC251: HTTP, subprocesses, `open`, `time.sleep`) are FAPI101, and ruff's flake8-bandit
 * hardcoded-password checks (S105, S106, S107) are FAPI003, as Bandit's B105-B107 are. A line the user already
 * silenced for them (`# noqa: ASYNC230`) is silenced here too.
 */
function equivalentRule(code: string): string | null {
  if (/^ASYNC2\d\d$/.test(code)) return "FAPI101";
  if (/^S10[567]$/.test(code)) return "FAPI003";
  return null;
}

/** The rule codes a comment suppresses: null for all of them (a bare `# noqa`), undefined for none. */
function suppressedBy(comment: string): Set<string> | null | undefined {
  const noqa = NOQA.exec(comment);
  if (noqa && !noqa[1]) return null;
  const codes = new Set(noqa?.[1]?.toUpperCase().split(/[\s,]+/).filter(Boolean) ?? []);
  for (const code of [...codes]) {
    const ours = equivalentRule(code);
    if (ours) codes.add(ours);
  }
  const nosec = NOSEC.exec(comment);
  if (nosec) {
    const tests = nosec[1]?.toUpperCase().match(/B\d{3}/g);
    for (const code of tests ? tests.map((t) => NOSEC_RULES[t]) : ["FAPI003", "FAPI102"]) if (code) codes.add(code);
  }
  if (ALLOWLIST_SECRET.test(comment)) codes.add("FAPI003");
  return noqa || codes.size > 0 ? codes : undefined;
}

/** Per-module state behind the lazy facts: every scope in source order and where the fact nodes are. */
interface LazyFacts {
  scopes: Scope[];
  facts: FactIndex;
  /** The module-wide lists (`mod.calls` & co.), made on first use and kept with the module. */
  all: ScopeFacts | null;
}

const lazyState = new WeakMap<ModuleInfo, LazyFacts>();

/**
 * Builds the skeleton of one module (scopes, functions, classes, imports, module-level definitions, `global`
 * statements, noqa comments and syntax errors); calls, returns, assignments and the other facts of a scope are
 * read from the tree only when a rule asks for them (`factsOf`), or for the whole module through `mod.calls` & co.
 */
export function buildModule(file: SourceFile, tree: FlatTree): ModuleInfo {
  const root = tree.rootNode;
  const name = moduleNameOf(file.path);
  const isInit = /(^|\/)__init__\.py$/.test(file.path);
  const text = file.content;
  const mod = new PyModule(file, name, isInit ? name : name.split(".").slice(0, -1).join("."), isTestPath(file.path), tree, root);
  const moduleScope = mod.moduleScope;

  // Collect the skeleton nodes in one pass over the node types. A scope, import, `global` or alias counts when its
  // keyword is really there (not a token the parser inserted to recover from an error).
  const scopeNodes: { node: Node; at: number; kind: "def" | "class" | "lambda" }[] = [];
  const imports = mod.importNodes;
  const globals: Node[] = [];
  const aliases = mod.aliasNodes;
  const kinds = nodeKinds(tree);
  const { type, flags, start, end, count } = tree;
  let facts = 0;
  for (let i = 0; i < count; i++) {
    const kind = kinds[type[i]!]!;
    if (kind === 0 || !(flags[i]! & 1)) continue;
    if (kind >= FACT) {
      if (facts === factScratch.length) {
        const grown = new Int32Array(facts * 2);
        grown.set(factScratch);
        factScratch = grown;
        const grownKinds = new Uint8Array(facts * 2);
        grownKinds.set(factKindScratch);
        factKindScratch = grownKinds;
      }
      factScratch[facts] = i;
      factKindScratch[facts++] = kind - FACT;
      continue;
    }
    if (kind === COMMENT) {
      const comment = tree.source.slice(start[i], end[i]);
      if (!NOQA_HINT.test(comment)) continue;
      const row = tree.point(start[i]!).row + 1;
      if (mod.noqa.has(row)) continue;
      const codes = suppressedBy(comment);
      if (codes !== undefined) mod.noqa.set(row, codes);
      continue;
    }
    const at = keywordAt(tree, i, SKELETON_KEYWORDS[kind]!);
    if (at < 0) continue;
    const node = new SyntaxNodeClass(tree, i);
    if (kind === DEF) scopeNodes.push({ node, at, kind: "def" });
    else if (kind === CLASS) scopeNodes.push({ node, at, kind: "class" });
    else if (kind === LAMBDA) scopeNodes.push({ node, at, kind: "lambda" });
    else if (kind === IMPORT) imports.push(node);
    else if (kind === GLOBAL) globals.push(node);
    else aliases.push(node);
  }

  // Scopes in source order (the pass above met them in pre-order, whose start positions never decrease), each with
  // its parent: the innermost open scope whose own code has begun.
  const scopes: Scope[] = [moduleScope];
  const stack: Scope[] = [];
  const enclosing = (start: number): Scope => {
    while (stack.length > 0 && stack[stack.length - 1]!.end <= start) stack.pop();
    for (let i = stack.length - 1; i >= 0; i--) if (stack[i]!.activeFrom <= start) return stack[i]!;
    return moduleScope;
  };
  const defs = mod.defs;
  for (const { node, at, kind } of scopeNodes) {
    const outer = enclosing(node.startIndex);
    const body = node.childForFieldName("body");
    const end = node.endIndex;
    const activeFrom = body ? body.startIndex : end;
    let scope: Scope;
    if (kind === "def") {
      const fn = functionInfo(node, at, outer, mod, activeFrom, end);
      mod.functions.push(fn);
      scope = fn.scope;
      if (outer.kind === "module" && fn.name) defs.push({ at: node.startIndex, name: fn.name, def: { kind: "function", fn } });
    } else if (kind === "class") {
      const cls = classInfo(node, at, outer, mod, activeFrom, end);
      mod.classes.push(cls);
      scope = cls.scope;
      if (outer.kind === "module") defs.push({ at: node.startIndex, name: cls.name, def: { kind: "class", cls } });
    } else {
      scope = { kind: "lambda", node, parent: outer, fn: null, cls: null, module: mod, activeFrom, end, children: [] };
    }
    outer.children.push(scope);
    scopes.push(scope);
    stack.push(scope);
  }
  // Children by where their bodies begin: `scopeAt` and `factsOf` walk them in that order.
  for (const scope of scopes) if (scope.children.length > 1) scope.children.sort((a, b) => a.activeFrom - b.activeFrom);
  const state: LazyFacts = { scopes, facts: groupFacts(facts), all: null };
  lazyState.set(mod, state);

  for (const node of globals) mod.globals.push({ node, scope: scopeAt(scopes, node.startIndex) });
  if (root.hasError) mod.syntaxErrors = collectSyntaxErrors(root);
  return mod;
}

/**
 * The innermost scope whose own code holds a position. The bodies of a scope's children never overlap and each
 * lies inside its parent's body, so descend from the module through the child whose body holds the position. (A
 * lambda in a default argument starts before the body of the def it belongs to: positions do not order bodies.)
 */
function scopeAt(scopes: Scope[], at: number): Scope {
  let s = scopes[0]!;
  for (;;) {
    const children = s.children;
    let lo = 0;
    let hi = children.length - 1;
    let next: Scope | null = null;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = children[mid]!;
      if (at < c.activeFrom) hi = mid - 1;
      else if (at >= c.end) lo = mid + 1;
      else {
        next = c;
        break;
      }
    }
    if (!next) return s;
    s = next;
  }
}

/** A stretch `[from, to)` of a module's text that is the own code of `scope`. */
interface ScopePart {
  scope: Scope;
  from: number;
  to: number;
}

/** The own code of a scope: its code between its nested scopes' bodies, in source order. */
function partsOf(scope: Scope, into: ScopePart[]): void {
  let from = scope.activeFrom;
  for (const child of scope.children) {
    if (child.activeFrom > from) into.push({ scope, from, to: child.activeFrom });
    from = Math.max(from, child.end);
  }
  if (scope.end > from) into.push({ scope, from, to: scope.end });
}

/**
 * The facts of some stretches of a module, each kind read from the tree when first asked for and kept by this
 * object only. Nothing keeps the facts of every scope: an analysis keeps every module until it is done, and the
 * kept facts were half of what it held (more memory to fault in and for each garbage collection to copy and mark)
 * while most kinds of most scopes were never asked for. Reading a kind again is a scan of typed arrays.
 */
class FactsView implements ScopeFacts {
  private readonly lists: (Fact[] | undefined)[] = [];

  constructor(
    private readonly tree: FlatTree | null,
    private readonly index: FactIndex | null,
    /** Sorted by `from`, not overlapping. */
    private readonly parts: readonly ScopePart[],
  ) {}

  private list(k: number): Fact[] {
    let list = this.lists[k];
    if (list) return list;
    list = [];
    const { tree, index } = this;
    if (tree && index) {
      const { start } = tree;
      const { nodes } = index;
      const end = index.offsets[k + 1]!;
      for (const { scope, from, to } of this.parts) {
        // The kind's first node that starts at or after `from` (pre-order start positions never decrease).
        let lo = index.offsets[k]!;
        let hi = end;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (start[nodes[mid]!]! < from) lo = mid + 1;
          else hi = mid;
        }
        for (let p = lo; p < end && start[nodes[p]!]! < to; p++) list.push({ node: new SyntaxNodeClass(tree, nodes[p]!), scope });
      }
    }
    this.lists[k] = list;
    return list;
  }

  get calls(): Fact[] {
    return this.list(0);
  }
  get returns(): Fact[] {
    return this.list(1);
  }
  get yields(): Fact[] {
    return this.list(2);
  }
  get ifs(): Fact[] {
    return this.list(3);
  }
  get assignments(): Fact[] {
    return this.list(4);
  }
  get augmentedAssignments(): Fact[] {
    return this.list(5);
  }
  get deletes(): Fact[] {
    return this.list(6);
  }
  get withItems(): Fact[] {
    return this.list(7);
  }
  get comparisons(): Fact[] {
    return this.list(8);
  }
}

/**
 * The facts of one scope's own code: only the nodes of the scope's code between its nested scopes' bodies are
 * visited, so asking for the facts of a handler never visits the rest of the file. Each call reads afresh (see
 * `FactsView`): keep the result while it is needed.
 */
export function factsOf(scope: Scope): ScopeFacts {
  const parts: ScopePart[] = [];
  partsOf(scope, parts);
  return new FactsView(scope.module.tree, lazyState.get(scope.module)?.facts ?? null, parts);
}

/**
 * The scopes whose own code holds a match of `pattern` (which must have the global flag), in source order. A rule
 * whose facts can only fire with some word in their own text reads the facts of these scopes alone.
 */
export function scopesMatching(mod: ModuleInfo, pattern: RegExp): Scope[] {
  const state = lazyState.get(mod)!;
  const found = new Set<Scope>();
  const text = mod.file.content;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const scope = scopeAt(state.scopes, m.index);
    found.add(scope);
    // Every later match before the next nested scope (or the scope's end) is in the same scope: go on from there.
    pattern.lastIndex = Math.max(pattern.lastIndex + (m[0].length === 0 ? 1 : 0), ownCodeEnd(scope, m.index));
  }
  return state.scopes.filter((s) => found.has(s));
}

/** Where the stretch of a scope's own code that holds `at` ends: at its next nested scope's body, or its end. */
function ownCodeEnd(scope: Scope, at: number): number {
  const children = scope.children;
  let lo = 0;
  let hi = children.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (children[mid]!.activeFrom <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo < children.length ? Math.min(children[lo]!.activeFrom, scope.end) : scope.end;
}

/** The scope whose own code holds a position of a module's text. */
export function scopeOf(mod: ModuleInfo, at: number): Scope {
  return scopeAt(lazyState.get(mod)!.scopes, at);
}

/** The facts of several scopes of one module together, each list in source order. */
export function factsOfScopes(scopes: readonly Scope[]): ScopeFacts {
  const parts: ScopePart[] = [];
  for (const s of scopes) partsOf(s, parts);
  parts.sort((a, b) => a.from - b.from);
  const mod = scopes[0]?.module;
  return new FactsView(mod?.tree ?? null, (mod && lazyState.get(mod)?.facts) ?? null, parts);
}

/** Every fact of a module in source order (what `mod.calls` and the other lists hold), kept with the module. */
function allFacts(mod: ModuleInfo): ScopeFacts {
  const state = lazyState.get(mod)!;
  return (state.all ??= factsOfScopes(state.scopes));
}

type DefinitionEntry = { at: number; name: string; def: Definition };

/**
 * A module. The skeleton is built by `buildModule`; imports, definitions and the module-wide fact lists are
 * worked out on first use (nothing resolves a name into most test modules, and the module's definitions need the
 * facts of its top-level code) and kept. Classes rather than objects given getters one by one: every module,
 * function and class then shares one shape, which keeps the property reads of the rules fast.
 */
class PyModule implements ModuleInfo {
  readonly moduleScope: Scope;
  readonly functions: FunctionInfo[] = [];
  readonly classes: ClassInfo[] = [];
  readonly globals: Fact[] = [];
  readonly noqa = new Map<number, Set<string> | null>();
  syntaxErrors: ModuleInfo["syntaxErrors"] = [];
  /** Skeleton parts `buildModule` collects for the lazy tables: import statements, PEP 695 aliases, defs and classes. */
  readonly importNodes: Node[] = [];
  readonly aliasNodes: Node[] = [];
  readonly defs: DefinitionEntry[] = [];
  private importTables: { imports: ModuleInfo["imports"]; starImports: string[] } | null = null;
  private definitionTable: ModuleInfo["definitions"] | null = null;

  constructor(
    readonly file: SourceFile,
    readonly name: string,
    readonly packageName: string,
    readonly isTest: boolean,
    readonly tree: FlatTree,
    readonly root: Node,
  ) {
    this.moduleScope = { kind: "module", node: root, parent: null, fn: null, cls: null, module: this, activeFrom: 0, end: root.endIndex, children: [] };
  }

  private tables(): { imports: ModuleInfo["imports"]; starImports: string[] } {
    if (!this.importTables) {
      this.importTables = { imports: new Map(), starImports: [] };
      for (const node of this.importNodes) addImport(this, this.importTables, node);
    }
    return this.importTables;
  }
  get imports(): ModuleInfo["imports"] {
    return this.tables().imports;
  }
  get starImports(): string[] {
    return this.tables().starImports;
  }
  get definitions(): ModuleInfo["definitions"] {
    return (this.definitionTable ??= moduleDefinitions(this));
  }
  get calls(): readonly Fact[] {
    return allFacts(this).calls;
  }
  get returns(): readonly Fact[] {
    return allFacts(this).returns;
  }
  get yields(): readonly Fact[] {
    return allFacts(this).yields;
  }
  get ifs(): readonly Fact[] {
    return allFacts(this).ifs;
  }
  get assignments(): readonly Fact[] {
    return allFacts(this).assignments;
  }
  get augmentedAssignments(): readonly Fact[] {
    return allFacts(this).augmentedAssignments;
  }
  get deletes(): readonly Fact[] {
    return allFacts(this).deletes;
  }
  get withItems(): readonly Fact[] {
    return allFacts(this).withItems;
  }
  get comparisons(): readonly Fact[] {
    return allFacts(this).comparisons;
  }
}

/** Module-level definitions by name: defs, classes, PEP 695 aliases and assignments; the last one wins. */
function moduleDefinitions(mod: PyModule): ModuleInfo["definitions"] {
  const state = lazyState.get(mod)!;
  const defs = [...mod.defs];
  for (const node of mod.aliasNodes) {
    // PEP 695: `type SessionDep = Annotated[Session, Depends(get_db)]`.
    if (scopeAt(state.scopes, node.startIndex) !== mod.moduleScope) continue;
    const left = node.childForFieldName("left");
    const right = node.childForFieldName("right");
    const id = left?.type === "type" ? left.namedChild(0) : left;
    if (id && right) defs.push({ at: node.startIndex, name: id.text, def: { kind: "value", value: right, target: id, annotation: null } });
  }
  // Module-level assignments define names too; the last definition in source order wins.
  for (const fact of factsOf(mod.moduleScope).assignments) {
    const d = definitionOf(fact.node);
    if (d) defs.push(d);
  }
  defs.sort((a, b) => a.at - b.at);
  const definitions: ModuleInfo["definitions"] = new Map();
  for (const d of defs) definitions.set(d.name, d.def);
  return definitions;
}

const decoratorLines = new WeakMap<ModuleInfo, boolean>();

function hasDecoratorLine(mod: ModuleInfo): boolean {
  let has = decoratorLines.get(mod);
  if (has === undefined) decoratorLines.set(mod, (has = mod.file.content.includes("@") && /^[ \t\f]*@/m.test(mod.file.content)));
  return has;
}

/** `def name(` / `class Name(` read from the text at the keyword; null when the spelling is unusual. */
const DEF_NAME = /def[ \t]+([A-Za-z_][A-Za-z0-9_]*)(?=[ \t]*[([])/y;
const CLASS_NAME = /class[ \t]+([A-Za-z_][A-Za-z0-9_]*)(?=[ \t]*[(:[])/y;

function nameAt(text: string, keyword: RegExp, at: number): string | null {
  keyword.lastIndex = at;
  return keyword.exec(text)?.[1] ?? null;
}

class PyFunction implements FunctionInfo {
  readonly scope: Scope;
  private paramList: ParamInfo[] | null = null;
  private returnAnnotation: Node | null | undefined = undefined;
  private decoratorList: Node[] | null = null;

  constructor(
    readonly node: Node,
    readonly name: string,
    readonly isAsync: boolean,
    readonly outer: Scope,
    readonly module: ModuleInfo,
    activeFrom: number,
    end: number,
  ) {
    this.scope = { kind: "function", node, parent: outer, fn: this, cls: null, module, activeFrom, end, children: [] };
  }
  get params(): ParamInfo[] {
    return (this.paramList ??= parameters(this.node.childForFieldName("parameters")));
  }
  get returns(): Node | null {
    if (this.returnAnnotation === undefined) this.returnAnnotation = this.node.childForFieldName("return_type");
    return this.returnAnnotation;
  }
  get decorators(): Node[] {
    return (this.decoratorList ??= decoratorsOf(this));
  }
}

function decoratorsOf(fn: PyFunction): Node[] {
  const decorators: Node[] = [];
  // A decorator starts its line with `@`: a module without one has no decorated function to look up (asked only
  // when the tree says the function is decorated, which costs less than reading the text).
  const parent = fn.node.parent;
  if (parent?.type === "decorated_definition" && hasDecoratorLine(fn.module)) {
    for (const child of parent.namedChildren) {
      if (child.type === "decorator" && child.namedChild(0)) decorators.push(child.namedChild(0)!);
    }
  }
  return decorators;
}

function functionInfo(node: Node, keywordAt: number, outer: Scope, mod: ModuleInfo, activeFrom: number, end: number): FunctionInfo {
  const text = mod.file.content;
  const name = nameAt(text, DEF_NAME, keywordAt) ?? node.childForFieldName("name")?.text ?? "";
  // `async def`: the definition starts with the `async` keyword.
  return new PyFunction(node, name, text.startsWith("async", node.startIndex), outer, mod, activeFrom, end);
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

class PyClass implements ClassInfo {
  readonly scope: Scope;
  private superclasses: { bases: Node[]; keywords: Map<string, Node> } | null = null;

  constructor(
    readonly node: Node,
    readonly name: string,
    readonly outer: Scope,
    readonly module: ModuleInfo,
    activeFrom: number,
    end: number,
  ) {
    this.scope = { kind: "class", node, parent: outer, fn: null, cls: this, module, activeFrom, end, children: [] };
  }
  private arguments(): { bases: Node[]; keywords: Map<string, Node> } {
    if (this.superclasses) return this.superclasses;
    const read = (this.superclasses = { bases: [] as Node[], keywords: new Map<string, Node>() });
    for (const a of this.node.childForFieldName("superclasses")?.namedChildren ?? []) {
      if (a.type === "keyword_argument") {
        const k = a.childForFieldName("name");
        const v = a.childForFieldName("value");
        if (k && v) read.keywords.set(k.text, v);
      } else if (a.type !== "comment") read.bases.push(a);
    }
    return read;
  }
  get bases(): Node[] {
    return this.arguments().bases;
  }
  get keywords(): Map<string, Node> {
    return this.arguments().keywords;
  }
}

function classInfo(node: Node, keywordAt: number, outer: Scope, mod: ModuleInfo, activeFrom: number, end: number): ClassInfo {
  return new PyClass(node, nameAt(mod.file.content, CLASS_NAME, keywordAt) ?? node.childForFieldName("name")?.text ?? "", outer, mod, activeFrom, end);
}

function definitionOf(assign: Node): { at: number; name: string; def: Definition } | null {
  const left = assign.childForFieldName("left");
  const right = assign.childForFieldName("right");
  const annotation = assign.childForFieldName("type");
  if (left?.type !== "identifier") return null;
  // `X: Final = ...`, `X = ...`; a bare annotation `X: int` defines nothing to follow.
  if (!right) return null;
  // Chained `a = b = value`: the right side is another assignment.
  let value = right;
  while (value.type === "assignment" && value.childForFieldName("right")) value = value.childForFieldName("right")!;
  return { at: assign.startIndex, name: left.text, def: { kind: "value", value, target: left, annotation } };
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

function addImport(mod: ModuleInfo, into: { imports: ModuleInfo["imports"]; starImports: string[] }, node: Node): void {
  if (node.type === "import_statement") {
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === "dotted_name") {
        // `import a.b.c` binds `a`; attribute chains then resolve through it.
        const first = child.namedChild(0)?.text;
        if (first) into.imports.set(first, { target: first, node });
      } else if (child.type === "aliased_import") {
        const nameNode = child.childForFieldName("name");
        const alias = child.childForFieldName("alias");
        if (nameNode && alias) into.imports.set(alias.text, { target: nameNode.text, node });
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
    if (child.type === "dotted_name") into.imports.set(child.text, { target: join(child.text), node });
    else if (child.type === "aliased_import") {
      const nameNode = child.childForFieldName("name");
      const alias = child.childForFieldName("alias");
      if (nameNode && alias) into.imports.set(alias.text, { target: join(nameNode.text), node });
    }
  }
  if (!sawName && node.namedChildren.some((c) => c?.type === "wildcard_import")) into.starImports.push(from);
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
