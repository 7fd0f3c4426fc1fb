import type { SyntaxNode as Node } from "./flat-tree.js";

/** Positional and keyword arguments of a call (splats are skipped: their content is unknown). */
export interface CallArguments {
  positional: Node[];
  keywords: Map<string, Node>;
  /** True when the call has `*args` or `**kwargs`: absence of an argument then proves nothing. */
  hasSplat: boolean;
}

export function callArguments(call: Node): CallArguments {
  const positional: Node[] = [];
  const keywords = new Map<string, Node>();
  let hasSplat = false;
  const args = call.childForFieldName("arguments");
  if (args && args.type === "argument_list") {
    for (const child of args.namedChildren) {
      if (!child) continue;
      if (child.type === "keyword_argument") {
        const name = child.childForFieldName("name");
        const value = child.childForFieldName("value");
        if (name && value) keywords.set(name.text, value);
      } else if (child.type === "list_splat" || child.type === "dictionary_splat") {
        hasSplat = true;
      } else if (child.type !== "comment") {
        positional.push(child);
      }
    }
  } else if (args) {
    // A generator expression as the only argument: `f(x for x in y)`.
    positional.push(args);
  }
  return { positional, keywords, hasSplat };
}

/** The argument at a position or under a keyword, the way Python binds it. */
export function argument(args: CallArguments, index: number, keyword: string): Node | null {
  return args.keywords.get(keyword) ?? args.positional[index] ?? null;
}

/** `a.b.c` for identifier/attribute chains, null for anything else (calls, subscripts). */
export function dottedName(node: Node | null): string | null {
  // A loop, not recursion: generated code can chain thousands of attributes, more than the JS stack holds.
  const attrs: string[] = [];
  let n = node;
  while (n?.type === "attribute") {
    const attr = n.childForFieldName("attribute");
    if (!attr) return null;
    attrs.push(attr.text);
    n = n.childForFieldName("object");
  }
  if (n?.type !== "identifier") return null;
  attrs.push(n.text);
  return attrs.reverse().join(".");
}

/** The innermost value of parentheses: `((x))` -> `x`. */
export function unparen(node: Node): Node {
  let n = node;
  while (n.type === "parenthesized_expression" && n.namedChildCount === 1 && n.namedChild(0)) n = n.namedChild(0)!;
  return n;
}

export interface StringLiteral {
  value: string;
  isBytes: boolean;
  /** An f-string with interpolations: its value is only partly known. */
  interpolated: boolean;
}

/** The value of a string or bytes literal (implicit concatenation included), null for other nodes. */
export function stringLiteral(node: Node | null): StringLiteral | null {
  if (!node) return null;
  const n = unparen(node);
  if (n.type === "concatenated_string") {
    let value = "";
    let isBytes = false;
    let interpolated = false;
    for (const part of n.namedChildren) {
      if (!part) continue;
      const lit = stringLiteral(part);
      if (!lit) return null;
      value += lit.value;
      isBytes ||= lit.isBytes;
      interpolated ||= lit.interpolated;
    }
    return { value, isBytes, interpolated };
  }
  if (n.type !== "string") return null;
  const start = n.firstChild;
  const prefix = start && start.type === "string_start" ? start.text.replace(/['"]+$/, "").toLowerCase() : "";
  let value = "";
  let interpolated = false;
  for (const child of n.namedChildren) {
    if (!child) continue;
    if (child.type === "string_content") value += child.text;
    else if (child.type === "interpolation") interpolated = true;
    // A backslash before a line break continues the line: it is not part of the value (`"""\` then text).
    else if (child.type === "escape_sequence") value += prefix.includes("r") || !/^\\\r?\n$/.test(child.text) ? child.text : "";
  }
  return { value, isBytes: prefix.includes("b"), interpolated };
}

/** 1-based line and column of a node's start and end, as users and editors count them. */
export function location(node: Node): { line: number; column: number; endLine: number; endColumn: number } {
  const start = node.startPosition;
  const end = node.endPosition;
  return { line: start.row + 1, column: start.column + 1, endLine: end.row + 1, endColumn: end.column + 1 };
}

/** Whether a value is the literal `True`. */
export function isTrue(node: Node | null | undefined): boolean {
  return !!node && unparen(node).type === "true";
}

/** Whether a value is the literal `None`. */
export function isNone(node: Node | null | undefined): boolean {
  return !!node && unparen(node).type === "none";
}

/** Test code per RULES.md: under a tests/ or test/ folder, test_*.py, *_test.py, conftest.py. */
export function isTestPath(path: string): boolean {
  const parts = path.split("/");
  const base = parts[parts.length - 1] ?? "";
  if (parts.slice(0, -1).some((p) => p === "tests" || p === "test")) return true;
  return base.startsWith("test_") || base.endsWith("_test.py") || base === "conftest.py";
}

/**
 * Documentation sources (`docs/`, `doc/`, `documentation/`, `doctests/`, FastAPI's own `docs_src/`): the examples a
 * page shows, not the project's application: the checklist audits the application alone. (`isSampleDataPath` leaves
 * `docs_src/` out: the scan reports FastAPI's tutorials like any code, as they are what its docs teach.)
 */
export function isDocumentationPath(path: string): boolean {
  const dirs = path.split("/").slice(0, -1);
  return dirs.some((d) => d === "docs" || d === "doc" || d === "documentation" || d === "doctests" || d === "docs_src");
}

/** Packages of test helpers (`testing/`, `testutils/`, `test_utils/`, `testing_utils/`, `test_helpers/`, `test_support/`). */
const TEST_SUPPORT_DIR = /^(testing|test_?utils|testing_utils|test_?helpers|testing_helpers|test_support|testing_support)$/;

/**
 * Files that hold sample data or documentation rather than the application: documentation sources (`docs/`,
 * `documentation/`, `doctests/`), database seeds (`seeds/`, `seeders/`, `seed.py`, `seed_users.py`, `seeds_load.py`,
 * `user_seeder.py`), test data builders (`fixtures/`,
 * `fixtures.py`, `factories/`, `factories.py`, Faker-based `faker/`, `fakers/`, `fakers.py`), test-support packages the
 * tests import (`testing/`, `testutils/`, `test_utils/`, `test_helpers/`, `testing_support/`: a testcontainers
 * database's password) and migrations (`migrations/`, Alembic `versions/`). The credentials they spell are sample rows
 * or throwaway test services, not configuration the app runs with.
 */
export function isSampleDataPath(path: string): boolean {
  const parts = path.split("/");
  const base = (parts[parts.length - 1] ?? "").replace(/\.py$/, "");
  const dirs = parts.slice(0, -1);
  if (dirs.some((d) => d === "docs" || d === "doc" || d === "documentation" || d === "doctests" || d === "fixtures" || d === "factories" || d === "faker" || d === "fakers" || d === "seeds" || d === "seed" || d === "seeders")) return true;
  if (dirs.some((d) => TEST_SUPPORT_DIR.test(d))) return true;
  if (isMigrationPath(path)) return true;
  return /^seed(s|ers?)?($|_)|_seed(s|ers?)?$/.test(base) || base === "fixtures" || base === "factories" || base === "fakers";
}

/**
 * A database migration (`migrations/`, Alembic `versions/`): the `alembic` command runs it, never the server, so
 * whatever it blocks or keeps at module level concerns one run of the command.
 */
export function isMigrationPath(path: string): boolean {
  const dirs = path.split("/").slice(0, -1);
  return dirs.includes("migrations") || (dirs.includes("alembic") && dirs.includes("versions"));
}

/** Dotted module name of a project file: `app/api/deps.py` -> `app.api.deps`, `app/__init__.py` -> `app`. */
export function moduleNameOf(path: string): string {
  const noExt = path.replace(/\.py$/, "");
  const parts = noExt.split("/").filter((p) => p.length > 0);
  if (parts[parts.length - 1] === "__init__") parts.pop();
  return parts.join(".");
}

/** Strips the `type` wrapper tree-sitter puts around annotations, and parentheses. */
export function unwrapType(node: Node): Node {
  let n = unparen(node);
  while (n.type === "type" && n.namedChild(0)) n = unparen(n.namedChild(0)!);
  return n;
}

/**
 * `Base[A, B]` in either of tree-sitter's shapes (`subscript` in expressions, `generic_type` in annotations):
 * the base and the arguments, each unwrapped; null for anything else.
 */
export function genericParts(node: Node): { base: Node; args: Node[] } | null {
  const n = unwrapType(node);
  if (n.type === "subscript") {
    const base = n.childForFieldName("value");
    if (!base) return null;
    return { base, args: n.childrenForFieldName("subscript").filter((x): x is Node => !!x).map(unwrapType) };
  }
  if (n.type === "generic_type") {
    const base = n.namedChild(0);
    const params = n.namedChildren.find((c) => c?.type === "type_parameter");
    if (!base) return null;
    return { base, args: (params?.namedChildren ?? []).filter((x): x is Node => !!x).map(unwrapType) };
  }
  return null;
}
