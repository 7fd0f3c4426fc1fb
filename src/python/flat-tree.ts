import type { Language, Tree as WasmTree, TreeCursor } from "web-tree-sitter";

/**
 * A syntax tree copied out of tree-sitter's WASM heap into flat JavaScript arrays, one entry per node in pre-order,
 * and the `SyntaxNode` view the analysis reads it through.
 *
 * Why: every property of a web-tree-sitter `Node` (its type, a field, its parent) is a call into WASM that copies
 * the node through a transfer buffer and allocates its result, and the rules ask hundreds of them per function.
 * Those calls cost the analysis more than the parse itself. Reading the whole tree once, straight from the WASM
 * memory, costs under a tenth of the parse; every question after that is an array lookup. The WASM tree is freed
 * as soon as it is copied, so the WASM heap (which never shrinks) holds one tree at a time instead of a project's.
 *
 * `SyntaxNode` answers as web-tree-sitter's `Node` does (same names, same values): the tests compare the two on
 * every node of every fixture.
 */

/** Fields of the flags byte. */
const NAMED = 1;
const MISSING = 2;
const EXTRA = 4;
const HAS_ERROR = 8;
/**
 * A visible node whose parent's grammar rule inherits its fields (`match_statement` inherits `alternative` from its
 * `block`, whose `case_clause`s bear it): tree-sitter's `childForFieldName` looks for those among its children.
 * Only the memory reader knows it; the cursor reader leaves it unset.
 */
export const INHERITS_FIELDS = 16;

/** tree-sitter's symbol for ERROR nodes. */
const ERROR_SYMBOL = 65535;

/** The language as the trees name it: types by symbol, fields by id, and which symbols are named. */
export interface TreeLanguage {
  /** Type names by public symbol (web-tree-sitter's `language.types`). */
  types: readonly string[];
  /** Field names by id (index 0 unused). */
  fields: readonly (string | null)[];
  fieldIds: ReadonlyMap<string, number>;
  /** Named-ness by symbol, for aliased nodes. */
  namedSymbol: Uint8Array;
}

export class FlatTree {
  /** Source the tree was parsed from (text of nodes is sliced from it). */
  readonly source: string;
  readonly count: number;
  readonly type: Uint16Array;
  readonly flags: Uint8Array;
  readonly field: Uint16Array;
  readonly start: Uint32Array;
  readonly end: Uint32Array;
  readonly parent: Int32Array;
  readonly next: Int32Array;
  readonly language: TreeLanguage;
  /** Added to a node's index to make its `id` unique across the trees of one process. */
  readonly base: number;
  /** No node lies more levels below the root than this (the readers' deepest stack): see `nestingBeyond`. */
  readonly depthBound: number;
  private lines: Uint32Array | null = null;

  constructor(source: string, language: TreeLanguage, arrays: TreeArrays, depthBound: number) {
    this.source = source;
    this.language = language;
    this.count = arrays.type.length;
    this.type = arrays.type;
    this.flags = arrays.flags;
    this.field = arrays.field;
    this.start = arrays.start;
    this.end = arrays.end;
    this.parent = arrays.parent;
    this.next = arrays.next;
    this.depthBound = depthBound;
    this.base = takeBase(this.count);
  }

  get rootNode(): SyntaxNode {
    return new SyntaxNode(this, 0);
  }

  /** Row and column (UTF-16 code units, as web-tree-sitter counts) of a position in the source. */
  point(index: number): Point {
    const lines = (this.lines ??= lineStarts(this.source));
    let lo = 0;
    let hi = lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lines[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return { row: lo, column: index - lines[lo]! };
  }
}

export interface Point {
  row: number;
  column: number;
}

function lineStarts(source: string): Uint32Array {
  let n = 1;
  for (let i = source.indexOf("\n"); i !== -1; i = source.indexOf("\n", i + 1)) n++;
  const out = new Uint32Array(n);
  let k = 1;
  for (let i = source.indexOf("\n"); i !== -1; i = source.indexOf("\n", i + 1)) out[k++] = i + 1;
  return out;
}

/** The first child of node `i`, or -1: in pre-order a node's first child, if any, comes right after it. */
function firstChildOf(t: FlatTree, i: number): number {
  return i + 1 < t.count && t.parent[i + 1] === i ? i + 1 : -1;
}

/** A node of a `FlatTree`. A new object per access, as web-tree-sitter's nodes are: compare them by `id`. */
export class SyntaxNode {
  readonly tree: FlatTree;
  /** Index of the node in its tree's arrays (pre-order). */
  readonly index: number;

  constructor(tree: FlatTree, index: number) {
    this.tree = tree;
    this.index = index;
  }

  get id(): number {
    return this.tree.base + this.index;
  }

  get type(): string {
    return this.tree.language.types[this.tree.type[this.index]!] || "ERROR";
  }
  get startIndex(): number {
    return this.tree.start[this.index]!;
  }
  get endIndex(): number {
    return this.tree.end[this.index]!;
  }
  get startPosition(): Point {
    return this.tree.point(this.tree.start[this.index]!);
  }
  get endPosition(): Point {
    return this.tree.point(this.tree.end[this.index]!);
  }
  get text(): string {
    return this.tree.source.slice(this.tree.start[this.index]!, this.tree.end[this.index]!);
  }
  get isNamed(): boolean {
    return (this.tree.flags[this.index]! & NAMED) !== 0;
  }
  get isMissing(): boolean {
    return (this.tree.flags[this.index]! & MISSING) !== 0;
  }
  get isExtra(): boolean {
    return (this.tree.flags[this.index]! & EXTRA) !== 0;
  }
  get hasError(): boolean {
    return (this.tree.flags[this.index]! & HAS_ERROR) !== 0;
  }
  get isError(): boolean {
    return this.tree.type[this.index] === ERROR_SYMBOL;
  }
  get parent(): SyntaxNode | null {
    const p = this.tree.parent[this.index]!;
    return p < 0 ? null : new SyntaxNode(this.tree, p);
  }
  get children(): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let c = firstChildOf(this.tree, this.index); c !== -1; c = this.tree.next[c]!) out.push(new SyntaxNode(this.tree, c));
    return out;
  }
  get namedChildren(): SyntaxNode[] {
    const t = this.tree;
    const out: SyntaxNode[] = [];
    for (let c = firstChildOf(t, this.index); c !== -1; c = t.next[c]!) if (t.flags[c]! & NAMED) out.push(new SyntaxNode(t, c));
    return out;
  }

  get namedChildCount(): number {
    const t = this.tree;
    let n = 0;
    for (let c = firstChildOf(t, this.index); c !== -1; c = t.next[c]!) if (t.flags[c]! & NAMED) n++;
    return n;
  }

  namedChild(index: number): SyntaxNode | null {
    const t = this.tree;
    let k = 0;
    for (let c = firstChildOf(t, this.index); c !== -1; c = t.next[c]!) {
      if (t.flags[c]! & NAMED && k++ === index) return new SyntaxNode(t, c);
    }
    return null;
  }
  get firstChild(): SyntaxNode | null {
    const c = firstChildOf(this.tree, this.index);
    return c < 0 ? null : new SyntaxNode(this.tree, c);
  }

  /** The first child under a field (the field of the grammar rule that produced this node). */
  childForFieldName(name: string): SyntaxNode | null {
    const id = this.tree.language.fieldIds.get(name);
    if (id === undefined) return null;
    const t = this.tree;
    for (let c = firstChildOf(t, this.index); c !== -1; c = t.next[c]!) {
      if (t.field[c] === id) return new SyntaxNode(t, c);
      if (t.flags[c]! & INHERITS_FIELDS) {
        const inner = new SyntaxNode(t, c).childForFieldName(name);
        if (inner) return inner;
      }
    }
    return null;
  }
  childrenForFieldName(name: string): SyntaxNode[] {
    const id = this.tree.language.fieldIds.get(name);
    const out: SyntaxNode[] = [];
    if (id === undefined) return out;
    const t = this.tree;
    for (let c = firstChildOf(t, this.index); c !== -1; c = t.next[c]!) if (t.field[c] === id) out.push(new SyntaxNode(t, c));
    return out;
  }

  /** The index one past this node's last descendant. */
  private subtreeEnd(): number {
    const t = this.tree;
    for (let i = this.index; i >= 0; i = t.parent[i]!) if (t.next[i]! >= 0) return t.next[i]!;
    return t.count;
  }
  /** Descendants (this node included) of the given types, in source order. */
  descendantsOfType(types: string | readonly string[]): SyntaxNode[] {
    const wanted = new Set(typeof types === "string" ? [types] : types);
    const t = this.tree;
    const names = t.language.types;
    const out: SyntaxNode[] = [];
    const stop = this.subtreeEnd();
    for (let i = this.index; i < stop; i++) if (wanted.has(names[t.type[i]!] || "ERROR")) out.push(new SyntaxNode(t, i));
    return out;
  }
  /**
   * The smallest node that spans `[start, end)` (code-unit offsets), as web-tree-sitter's `descendantForIndex`:
   * descend into the first child that reaches the range's end, passes its start (or touches it, when empty) and
   * begins at or before it.
   */
  descendantForIndex(start: number, end: number = start): SyntaxNode {
    const t = this.tree;
    let node = this.index;
    for (;;) {
      let next = -1;
      for (let c = firstChildOf(t, node); c !== -1; c = t.next[c]!) {
        const cEnd = t.end[c]!;
        if (cEnd < end) continue;
        const empty = t.start[c] === cEnd;
        if (empty ? cEnd < start : cEnd <= start) continue;
        if (start < t.start[c]!) break;
        next = c;
        break;
      }
      if (next < 0) return new SyntaxNode(t, node);
      node = next;
    }
  }
  toString(): string {
    return `(${this.type} ${this.startIndex}-${this.endIndex})`;
  }
}

/** A tree's arrays, for exactly its nodes, in one allocation. */
interface TreeArrays {
  type: Uint16Array;
  flags: Uint8Array;
  field: Uint16Array;
  start: Uint32Array;
  end: Uint32Array;
  parent: Int32Array;
  next: Int32Array;
}

function allocate(count: number): TreeArrays {
  const buffer = new ArrayBuffer(count * 21);
  return {
    start: new Uint32Array(buffer, 0, count),
    end: new Uint32Array(buffer, count * 4, count),
    parent: new Int32Array(buffer, count * 8, count),
    next: new Int32Array(buffer, count * 12, count),
    type: new Uint16Array(buffer, count * 16, count),
    field: new Uint16Array(buffer, count * 18, count),
    flags: new Uint8Array(buffer, count * 20, count),
  };
}

/** Scratch for the readers: the last child linked so far, by node. */
let lastChild = new Int32Array(1 << 16);

function lastChildren(count: number): Int32Array {
  if (lastChild.length < count) lastChild = new Int32Array(Math.max(count, lastChild.length * 2));
  return lastChild;
}

let nextBase = 1;

/** A unique id range for a tree of `count` nodes (ids stay exact integers for any realistic number of trees). */
function takeBase(count: number): number {
  const base = nextBase;
  nextBase += count + 1;
  if (nextBase > Number.MAX_SAFE_INTEGER / 2) nextBase = 1;
  return base;
}

/**
 * Copies a tree through web-tree-sitter's own cursor API: slow (several WASM calls per node), but it depends on
 * nothing but the public API. It is the reference the fast reader is checked against, and the fallback when a
 * web-tree-sitter build lays its memory out differently.
 */
export function readTreeWithCursor(tree: WasmTree, source: string, language: TreeLanguage): FlatTree {
  const count = tree.rootNode.descendantCount;
  const a = allocate(count);
  const last = lastChildren(count);
  const cursor: TreeCursor = tree.walk();
  try {
    let n = 0;
    const stack: number[] = [];
    let deepest = 0;
    for (;;) {
      const node = cursor.currentNode;
      const me = n++;
      a.type[me] = cursor.nodeTypeId;
      a.flags[me] = (node.isNamed ? NAMED : 0) | (node.isMissing ? MISSING : 0) | (node.isExtra ? EXTRA : 0) | (node.hasError ? HAS_ERROR : 0);
      a.field[me] = cursor.currentFieldId || 0;
      a.start[me] = cursor.startIndex;
      a.end[me] = cursor.endIndex;
      const parent = stack.length > 0 ? stack[stack.length - 1]! : -1;
      a.parent[me] = parent;
      a.next[me] = -1;
      last[me] = -1;
      if (parent >= 0) {
        if (last[parent]! >= 0) a.next[last[parent]!] = me;
        last[parent] = me;
      }
      if (cursor.gotoFirstChild()) {
        stack.push(me);
        if (stack.length > deepest) deepest = stack.length;
        continue;
      }
      let done = false;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) {
          done = true;
          break;
        }
        stack.pop();
      }
      if (done) break;
    }
    return new FlatTree(source, language, a, deepest);
  } finally {
    cursor.delete();
  }
}

/**
 * Where tree-sitter keeps what the fast reader needs in WASM memory: the language's tables. Offsets follow
 * tree-sitter's `TSLanguage` (lib/src/parser.h, ABI 15) on wasm32: `field_count` at 32, `max_alias_sequence_length`
 * at 36, `field_map_slices` at 64, `field_map_entries` at 68, `public_symbol_map` at 76, `alias_sequences` at 84.
 */
/** The WASM memory web-tree-sitter runs in (a `WebAssembly.Memory`; its buffer changes when it grows). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

export interface MemoryLayout {
  memory: WasmMemory;
  fieldCount: number;
  maxAliasSequenceLength: number;
  fieldMapSlices: number;
  fieldMapEntries: number;
  publicSymbolMap: number;
  aliasSequences: number;
}

export function memoryLayout(memory: WasmMemory, language: Language): MemoryLayout {
  const address = (language as unknown as { [0]: number })[0];
  const view = new DataView(memory.buffer);
  return {
    memory,
    fieldCount: view.getUint32(address + 32, true),
    maxAliasSequenceLength: view.getUint16(address + 36, true),
    fieldMapSlices: view.getUint32(address + 64, true),
    fieldMapEntries: view.getUint32(address + 68, true),
    publicSymbolMap: view.getUint32(address + 76, true),
    aliasSequences: view.getUint32(address + 84, true),
  };
}

/**
 * The fast reader's explicit stack (real code nests deeper than a recursive reader could go), one entry per open
 * subtree, in parallel arrays: its heap address, child count, next child, next structural (non-extra) child,
 * production, alias sequence address, where its next child's padding begins (UTF-16 bytes, as tree-sitter counts),
 * the visible node its children hang from, and the field a hidden subtree passes down to children without one.
 */
let stackSize = 256;
let sPtr = new Uint32Array(stackSize);
let sCount = new Uint32Array(stackSize);
let sChild = new Uint32Array(stackSize);
let sStructural = new Uint32Array(stackSize);
let sProduction = new Uint32Array(stackSize);
let sAliases = new Uint32Array(stackSize);
let sBytes = new Float64Array(stackSize);
let sOwner = new Int32Array(stackSize);
let sField = new Uint32Array(stackSize);

function growStack(): void {
  stackSize *= 2;
  const grow = <T extends Uint32Array | Int32Array | Float64Array>(a: T): T => {
    const b = new (a.constructor as new (n: number) => T)(stackSize);
    b.set(a);
    return b;
  };
  sPtr = grow(sPtr);
  sCount = grow(sCount);
  sChild = grow(sChild);
  sStructural = grow(sStructural);
  sProduction = grow(sProduction);
  sAliases = grow(sAliases);
  sBytes = grow(sBytes);
  sOwner = grow(sOwner);
  sField = grow(sField);
}

/**
 * Copies a tree straight from WASM memory, reading tree-sitter's `Subtree` structures (lib/src/subtree.h) the way
 * its own node and cursor code walks them: hidden nodes are flattened into their visible children, aliases and
 * fields come from the parent's production, positions add each child's padding and size. UTF-16 byte offsets
 * are halved into code units, as web-tree-sitter does. Null when the tree does not hold the number of visible
 * nodes its root records (memory laid out otherwise than expected).
 *
 * A subtree slot is 8 bytes: either a pointer to heap data (low bit 0) or an inline leaf (low bit 1):
 * - inline: { bits (is_inline, visible, named, extra, has_changes, is_missing, is_keyword), u8 symbol,
 *   u16 parse_state, u8 padding_columns, u8 padding_rows|lookahead_bytes, u8 padding_bytes, u8 size_bytes };
 * - heap: { u32 ref_count, Length padding (bytes, row, column), Length size, u32 lookahead_bytes,
 *   u32 error_cost, u32 child_count, u16 symbol, u16 parse_state, u16 bits (visible 0, named 1, extra 2, ...,
 *   is_missing 9), then for nodes with children: u32 visible_child_count, u32 named_child_count,
 *   u32 visible_descendant_count (at 56), i32 dynamic_precedence, u16 repeat_depth, u16 production_id (at 66) };
 *   its children's slots sit just below it.
 */
export function readTreeFromMemory(tree: WasmTree, source: string, language: TreeLanguage, layout: MemoryLayout): FlatTree | null {
  const buffer = layout.memory.buffer;
  const U8 = new Uint8Array(buffer);
  const U16 = new Uint16Array(buffer);
  const U32 = new Uint32Array(buffer);
  const { fieldCount, maxAliasSequenceLength: maxAlias, fieldMapSlices, fieldMapEntries, publicSymbolMap, aliasSequences } = layout;
  const namedSymbol = language.namedSymbol;
  const publicMap = publicSymbolMap >> 1;

  const root = (tree as unknown as { [0]: number })[0];
  const rootInline = (U8[root]! & 1) !== 0;
  const rootPtr = rootInline ? 0 : U32[root >> 2]!;
  const count = rootInline || U32[(rootPtr + 36) >> 2] === 0 ? 1 : U32[(rootPtr + 56) >> 2]! + 1;
  const a = allocate(count);
  const { type, flags, field, start, end, parent, next } = a;
  const last = lastChildren(count);
  let n = 0;
  let depth = 0;
  // The stack in locals: module variables would be reloaded on every access (growStack replaces them).
  let stPtr = sPtr;
  let stCount = sCount;
  let stChild = sChild;
  let stStructural = sStructural;
  let stProduction = sProduction;
  let stAliases = sAliases;
  let stBytes = sBytes;
  let stOwner = sOwner;
  let stField = sField;
  let stackLimit = stackSize;
  // Each visible node lies below the root by at most the frames open when it is read (hidden subtrees open some).
  let deepest = 0;

  // Each pass emits one subtree (a visible node, or the root) at `bytes`, then opens a frame for its children.
  let slot = root;
  let bytes = rootInline ? U8[root + 6]! : U32[(rootPtr + 4) >> 2]!;
  let alias = 0;
  let owner = -1;
  let inheritedField = 0;
  let inherits = false;
  let isRoot = true;
  for (;;) {
    const b0 = U8[slot]!;
    let symbol: number;
    let bits: number;
    let size: number;
    let ptr = 0;
    let childCount = 0;
    let visible: boolean;
    if (b0 & 1) {
      visible = (b0 & 2) !== 0;
      symbol = U8[slot + 1]!;
      bits = (b0 & 4 ? NAMED : 0) | (b0 & 8 ? EXTRA : 0) | (b0 & 32 ? MISSING | HAS_ERROR : 0);
      size = U8[slot + 7]!;
    } else {
      ptr = U32[slot >> 2]!;
      symbol = U16[(ptr + 40) >> 1]!;
      const heapBits = U16[(ptr + 44) >> 1]!;
      visible = (heapBits & 1) !== 0;
      const missing = (heapBits & 512) !== 0;
      bits = (heapBits & 2 ? NAMED : 0) | (heapBits & 4 ? EXTRA : 0) | (missing ? MISSING : 0) | (missing || U32[(ptr + 32) >> 2]! > 0 ? HAS_ERROR : 0);
      size = U32[(ptr + 16) >> 2]!;
      childCount = U32[(ptr + 36) >> 2]!;
    }
    let me = owner;
    if (isRoot || visible || alias !== 0) {
      if (n === count) return null;
      me = n++;
      const s = alias || symbol;
      type[me] = s === ERROR_SYMBOL ? ERROR_SYMBOL : U16[publicMap + s]!;
      flags[me] = (alias ? (bits & ~NAMED) | (namedSymbol[alias] ? NAMED : 0) : bits) | (inherits ? INHERITS_FIELDS : 0);
      field[me] = inheritedField;
      start[me] = bytes >>> 1;
      end[me] = (bytes + size) >>> 1;
      parent[me] = owner;
      next[me] = -1;
      last[me] = -1;
      if (owner >= 0) {
        const prev = last[owner]!;
        if (prev >= 0) next[prev] = me;
        last[owner] = me;
      }
      // Children of a visible node start with no inherited field.
      inheritedField = 0;
    }
    isRoot = false;
    if (childCount > 0) {
      if (depth === stackLimit) {
        growStack();
        stPtr = sPtr;
        stCount = sCount;
        stChild = sChild;
        stStructural = sStructural;
        stProduction = sProduction;
        stAliases = sAliases;
        stBytes = sBytes;
        stOwner = sOwner;
        stField = sField;
        stackLimit = stackSize;
      }
      const production = U16[(ptr + 66) >> 1]!;
      stPtr[depth] = ptr;
      stCount[depth] = childCount;
      stChild[depth] = 0;
      stStructural[depth] = 0;
      stProduction[depth] = production;
      stAliases[depth] = production && maxAlias ? (aliasSequences >> 1) + production * maxAlias : 0;
      stBytes[depth] = bytes;
      stOwner[depth] = me;
      stField[depth] = inheritedField;
      depth++;
      if (depth > deepest) deepest = depth;
    }
    // The next child of the innermost open subtree that has one left.
    while (depth > 0 && stChild[depth - 1] === stCount[depth - 1]) depth--;
    if (depth === 0) break;
    const d = depth - 1;
    const child = stChild[d]!;
    slot = stPtr[d]! - (stCount[d]! - child) * 8;
    const c0 = U8[slot]!;
    let extra: boolean;
    let padding: number;
    if (c0 & 1) {
      extra = (c0 & 8) !== 0;
      padding = U8[slot + 6]!;
      size = U8[slot + 7]!;
    } else {
      const q = U32[slot >> 2]!;
      extra = (U16[(q + 44) >> 1]! & 4) !== 0;
      padding = U32[(q + 4) >> 2]!;
      size = U32[(q + 16) >> 2]!;
    }
    alias = 0;
    inheritedField = 0;
    inherits = false;
    if (!extra) {
      const structural = stStructural[d]!;
      if (stAliases[d]) alias = U16[stAliases[d]! + structural]!;
      if (fieldCount > 0) {
        // The production's field map: { u16 field_id, u8 child_index, bool inherited } entries. A plain entry
        // names the child's field; an inherited one says the parent also answers for the child's own fields.
        const slice = (fieldMapSlices >> 1) + stProduction[d]! * 2;
        let entry = fieldMapEntries + U16[slice]! * 4;
        for (let k = U16[slice + 1]!; k > 0; k--, entry += 4) {
          if (U8[entry + 2] !== structural) continue;
          if (U8[entry + 3] !== 0) inherits = true;
          else if (inheritedField === 0) inheritedField = U16[entry >> 1]!;
        }
      }
      if (inheritedField === 0) inheritedField = stField[d]!;
      stStructural[d] = structural + 1;
    }
    // The first child starts where its parent does (they share the padding); later ones after their own.
    let at = stBytes[d]!;
    if (child > 0) at += padding;
    stBytes[d] = at + size;
    stChild[d] = child + 1;
    bytes = at;
    owner = stOwner[d]!;
  }
  return n === count ? new FlatTree(source, language, a, deepest) : null;
}
