import type { Node, Point } from "web-tree-sitter";

/**
 * Deepest syntax nesting analysed. Real code stays within a few dozen levels (CPython itself refuses more than
 * 200 nested brackets or 100 indentation levels), while generated or hostile files can nest hundreds of
 * thousands deep: tree-sitter queries then slow to a crawl and lose matches (their depth counter is 16 bits), and
 * recursive helpers in the rules and checklist overflow the JavaScript stack (a 4,000-term union annotation did).
 * Files deeper than this are reported and left out; 1,000 keeps every recursive helper a few times below the
 * stack's limit.
 */
export const MAX_NESTING = 1_000;

/**
 * A subtree never nests deeper than this many levels per character of its text, plus a constant: the densest
 * Python is a chain of one-character unary operators (`~~~~x`), one level per character; every bracket pair or
 * call adds at most one level per character it spends. Twice that leaves a margin for error recovery.
 */
const LEVELS_PER_CHAR = 2;
const SLACK = 64;

/**
 * Where the tree first nests deeper than `limit` levels below `root`, or null when it never does. It only
 * descends into subtrees long enough to hold that many levels, so an ordinary file costs a few dozen cursor
 * moves rather than a walk over every node.
 */
export function nestingBeyond(root: Node, limit: number = MAX_NESTING): Point | null {
  const cursor = root.walk();
  try {
    let depth = 0;
    for (;;) {
      if (depth > limit) return cursor.startPosition;
      const length = cursor.endIndex - cursor.startIndex;
      if (depth + LEVELS_PER_CHAR * length + SLACK > limit && cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      // Next sibling, else climb until an ancestor has one; back at the root means the whole tree was checked.
      for (;;) {
        if (depth === 0) return null;
        if (cursor.gotoNextSibling()) break;
        cursor.gotoParent();
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}
