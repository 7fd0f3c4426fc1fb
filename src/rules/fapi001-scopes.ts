import type { Node } from "web-tree-sitter";
import type { Scope } from "../python/module.js";
import { unparen } from "../python/syntax.js";

export interface LocalNames {
  /** Names the scope binds itself: parameters, assignment and loop targets, imports, defs, `as` names. */
  bound: Set<string>;
  /** Names the scope declares `global`. */
  globals: Set<string>;
}

const memo = new WeakMap<Scope, LocalNames>();

/** The names a function or lambda scope binds, which hide module-level names of the same spelling. */
export function localNames(scope: Scope): LocalNames {
  const cached = memo.get(scope);
  if (cached) return cached;
  const bound = new Set<string>();
  const globals = new Set<string>();
  const params = scope.node.childForFieldName("parameters");
  if (params) collectParams(params, bound);
  const body = scope.node.childForFieldName("body");
  if (body) walk(body, bound, globals);
  const result = { bound, globals };
  memo.set(scope, result);
  return result;
}

function collectParams(params: Node, bound: Set<string>): void {
  for (const p of params.namedChildren) {
    if (!p) continue;
    const id =
      p.type === "identifier"
        ? p
        : (p.childForFieldName("name") ?? (p.namedChild(0)?.type === "identifier" ? p.namedChild(0) : p.namedChild(0)?.namedChild(0)));
    if (id?.type === "identifier") bound.add(id.text);
  }
}

function addTargets(node: Node | null, bound: Set<string>): void {
  if (!node) return;
  const n = unparen(node);
  switch (n.type) {
    case "identifier":
      bound.add(n.text);
      return;
    case "pattern_list":
    case "tuple_pattern":
    case "list_pattern":
    case "expression_list":
    case "tuple":
    case "list":
    case "list_splat_pattern":
      for (const c of n.namedChildren) addTargets(c, bound);
      return;
  }
}

// Iterative so deeply nested code cannot overflow the stack; nested def/class/lambda bodies are other scopes.
function walk(root: Node, bound: Set<string>, globals: Set<string>): void {
  const pending: Node[] = [root];
  while (pending.length > 0) {
    const n = pending.pop()!;
    switch (n.type) {
      case "function_definition":
      case "class_definition": {
        const name = n.childForFieldName("name");
        if (name) bound.add(name.text);
        continue;
      }
      case "lambda":
        continue;
      case "global_statement":
        for (const c of n.namedChildren) if (c?.type === "identifier") globals.add(c.text);
        continue;
      case "assignment":
      case "augmented_assignment":
        addTargets(n.childForFieldName("left"), bound);
        break;
      case "named_expression":
        addTargets(n.childForFieldName("name"), bound);
        break;
      case "for_statement":
      case "for_in_clause":
        addTargets(n.childForFieldName("left"), bound);
        break;
      case "as_pattern": {
        const alias = n.childForFieldName("alias");
        addTargets(alias?.namedChild(0) ?? alias, bound);
        break;
      }
      case "import_statement":
      case "import_from_statement":
        for (const c of n.childrenForFieldName("name")) {
          if (!c) continue;
          if (c.type === "aliased_import") addTargets(c.childForFieldName("alias"), bound);
          else if (c.type === "dotted_name" && c.namedChild(0)) bound.add(c.namedChild(0)!.text);
        }
        continue;
    }
    for (const c of n.namedChildren) if (c) pending.push(c);
  }
}

/** Whether a node sits under `if __name__ == "__main__":`, code that runs as a script and not on import. */
export function isMainGuarded(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type !== "if_statement") continue;
    const cond = p.childForFieldName("condition");
    const text = cond?.text.replace(/\s+/g, "").replace(/'/g, '"');
    if (text === '__name__=="__main__"' || text === '"__main__"==__name__') {
      // Only the `if` body, not its `else`.
      const body = p.childForFieldName("consequence");
      if (body && node.startIndex >= body.startIndex && node.endIndex <= body.endIndex) return true;
    }
  }
  return false;
}
