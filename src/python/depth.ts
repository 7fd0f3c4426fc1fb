import type { FlatTree, Point } from "./flat-tree.js";

/**
 * Deepest syntax nesting analysed. Real code stays within a few dozen levels (CPython itself refuses more than
 * 200 nested brackets or 100 indentation levels), while generated or hostile files can nest hundreds of
 * thousands deep: recursive helpers in the rules and checklist then overflow the JavaScript stack (a 4,000-term
 * union annotation did). Reading such a tree is safe (the readers keep their own stack).
 * Files deeper than this are reported and left out; 1,000 keeps every recursive helper a few times below the
 * stack's limit.
 */
export const MAX_NESTING = 1_000;

/** Scratch: depth by node, reused across trees. */
let depths = new Int32Array(1 << 16);

/**
 * Where the tree first (in source order) nests deeper than `limit` levels below its root, or null when it never
 * does: none when the reader's bound says so (every real file), else one pass over the nodes, each a level below
 * its parent.
 */
export function nestingBeyond(tree: FlatTree, limit: number = MAX_NESTING): Point | null {
  if (tree.depthBound <= limit) return null;
  if (depths.length < tree.count) depths = new Int32Array(Math.max(tree.count, depths.length * 2));
  const parent = tree.parent;
  depths[0] = 0;
  for (let i = 1; i < tree.count; i++) {
    const d = depths[parent[i]!]! + 1;
    if (d > limit) return tree.point(tree.start[i]!);
    depths[i] = d;
  }
  return null;
}
