import { codeUnitAt } from "@regradar/shared";
import { isWordCode } from "./fold.js";

/** One hit of the multi-pattern matcher, in folded-text offsets [start, end). */
export interface RawMatch {
  readonly pattern: number;
  readonly start: number;
  readonly end: number;
}

/**
 * Finds many patterns in one pass over a text. Patterns whose first/last character is a Latin
 * letter or digit only match at word boundaries ("SEC" never matches inside "section"), CJK
 * patterns match anywhere. Whitespace in patterns matches any single whitespace character.
 *
 * Two automata share the work. A pattern that must start at a word start is looked for only there,
 * by walking a trie from each word start (a few steps, the trie's prefixes die quickly); the others
 * (CJK, punctuation first) go into an Aho–Corasick automaton that reads every character, but English
 * text leaves it at its root, one table lookup per character. One automaton over all patterns did
 * both with failure links on every Latin character: 3 times slower, each step a cache miss into a
 * trie of 300,000 nodes.
 */
export class TermMatcher {
  private readonly patterns: string[] = [];
  private readonly boundStart: boolean[] = [];
  private readonly boundEnd: boolean[] = [];
  private lengths = new Int32Array(0);
  private atWordStarts: Automaton | null = null;
  private anywhere: Automaton | null = null;

  /** Adds a (folded) pattern and returns its id. */
  add(pattern: string): number {
    if (this.atWordStarts) throw new Error("TermMatcher: add() after build()");
    const id = this.patterns.length;
    let normed = "";
    for (let i = 0; i < pattern.length; i++) normed += String.fromCharCode(norm(pattern.charCodeAt(i)));
    this.patterns.push(normed);
    this.boundStart.push(isWordCode(pattern.charCodeAt(0)));
    this.boundEnd.push(isWordCode(pattern.charCodeAt(pattern.length - 1)));
    return id;
  }

  build(): this {
    const ids = this.patterns.map((_, i) => i);
    this.atWordStarts = buildAutomaton(this.patterns, ids.filter((id) => this.boundStart[id]));
    this.anywhere = buildAutomaton(this.patterns, ids.filter((id) => !this.boundStart[id]));
    this.lengths = Int32Array.from(this.patterns, (p) => p.length);
    return this;
  }

  /** All boundary-respecting matches in `text` (already folded), by end, then start, then pattern. */
  search(text: string): RawMatch[] {
    if (!this.atWordStarts) this.build();
    const res: RawMatch[] = [];
    this.searchAnywhere(text, res);
    const fromAnywhere = res.length;
    this.searchAtWordStarts(text, res);
    // The Aho–Corasick pass reports in that order already; trie walks report by start.
    if (res.length > fromAnywhere) res.sort((a, b) => a.end - b.end || a.start - b.start || a.pattern - b.pattern);
    return res;
  }

  private searchAnywhere(text: string, res: RawMatch[]): void {
    const a = this.anywhere!;
    const { fail, rootNext, outStart, outIds } = a;
    let node = 0;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = norm(codeUnitAt(text, i));
      if (node !== 0) {
        let nx = a.child(node, c);
        while (nx < 0) {
          node = fail[node]!;
          if (node === 0) break;
          nx = a.child(node, c);
        }
        node = nx < 0 ? rootNext[c]! : nx;
      } else {
        node = rootNext[c]!;
      }
      if (node === 0) continue;
      const o1 = outStart[node + 1]!;
      for (let k = outStart[node]!; k < o1; k++) this.report(text, outIds[k]!, i + 1, res);
    }
  }

  private searchAtWordStarts(text: string, res: RawMatch[]): void {
    const a = this.atWordStarts!;
    const { rootNext, outStart, outIds, ownCount } = a;
    const n = text.length;
    let previousIsWord = false;
    for (let start = 0; start < n; start++) {
      const isWord = isWordCode(codeUnitAt(text, start));
      const wordStart = isWord && !previousIsWord;
      previousIsWord = isWord;
      if (!wordStart) continue;
      // Only the patterns spelled by the path from the root start here: a node's own outputs.
      for (let i = start, node = rootNext[norm(codeUnitAt(text, start))]!; node > 0; node = ++i < n ? a.child(node, norm(codeUnitAt(text, i))) : -1) {
        const own = outStart[node]! + ownCount[node]!;
        for (let k = outStart[node]!; k < own; k++) this.report(text, outIds[k]!, i + 1, res);
      }
    }
  }

  private report(text: string, id: number, end: number, res: RawMatch[]): void {
    const start = end - this.lengths[id]!;
    if (this.boundStart[id] && start > 0 && isWordCode(codeUnitAt(text, start - 1))) return;
    if (this.boundEnd[id] && end < text.length && isWordCode(codeUnitAt(text, end))) return;
    res.push({ pattern: id, start, end });
  }
}

/**
 * A trie with failure links and outputs in flat arrays (children sorted by code unit, a dense table
 * for the root): tens of thousands of patterns build in a fraction of the time a Map per node takes,
 * and lookups are array scans instead of Map lookups.
 */
interface Automaton {
  childStart: Int32Array;
  childCode: Uint16Array;
  childNode: Int32Array;
  rootNext: Int32Array;
  fail: Int32Array;
  /** Per node: its outputs outIds[outStart[node] .. outStart[node + 1]), its own patterns first, then its failure target's. */
  outStart: Int32Array;
  outIds: Int32Array;
  /** How many of a node's outputs are its own (the patterns that end exactly at it). */
  ownCount: Int32Array;
  /** The node reached from `node` by code unit `c`, or -1. */
  child(node: number, c: number): number;
}

function buildAutomaton(patterns: readonly string[], subset: number[]): Automaton {
  const ids = subset.sort((a, b) => {
    const x = patterns[a]!, y = patterns[b]!;
    return x < y ? -1 : x > y ? 1 : a - b;
  });
  // 1. trie nodes in depth-first order: a parent's children are created in code-unit order
  const parentOf: number[] = [-1], codeOf: number[] = [0];
  const own = new Map<number, number[]>();
  const path: number[] = [0];
  let prev = "";
  for (const id of ids) {
    const p = patterns[id]!;
    let lcp = 0;
    while (lcp < p.length && lcp < prev.length && p.charCodeAt(lcp) === prev.charCodeAt(lcp)) lcp++;
    path.length = lcp + 1;
    for (let d = lcp; d < p.length; d++) {
      const node = parentOf.length;
      parentOf.push(path[d]!);
      codeOf.push(p.charCodeAt(d));
      path.push(node);
    }
    const end = path[p.length]!;
    const list = own.get(end);
    if (list) list.push(id); else own.set(end, [id]);
    prev = p;
  }
  const nodes = parentOf.length;
  const childStart = new Int32Array(nodes + 1);
  for (let n = 1; n < nodes; n++) childStart[parentOf[n]! + 1]!++;
  for (let n = 0; n < nodes; n++) childStart[n + 1]! += childStart[n]!;
  const childCode = new Uint16Array(Math.max(0, nodes - 1));
  const childNode = new Int32Array(Math.max(0, nodes - 1));
  const fill = childStart.slice(0, nodes);
  for (let n = 1; n < nodes; n++) {
    const k = fill[parentOf[n]!]!++;
    childCode[k] = codeOf[n]!;
    childNode[k] = n;
  }
  const child = (node: number, c: number): number => {
    let lo = childStart[node]!, hi = childStart[node + 1]!;
    if (hi - lo <= 8) {
      for (; lo < hi; lo++) if (childCode[lo] === c) return childNode[lo]!;
      return -1;
    }
    hi--;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = childCode[mid]!;
      if (v === c) return childNode[mid]!;
      if (v < c) lo = mid + 1; else hi = mid - 1;
    }
    return -1;
  };
  // 2. failure links breadth first (a node's failure target is shallower, so already known)
  const fail = new Int32Array(nodes);
  const order: number[] = [];
  for (let k = childStart[0]!; k < childStart[1]!; k++) order.push(childNode[k]!);
  for (let qi = 0; qi < order.length; qi++) {
    const node = order[qi]!;
    for (let k = childStart[node]!; k < childStart[node + 1]!; k++) {
      const c = childCode[k]!, next = childNode[k]!;
      order.push(next);
      let f = fail[node]!;
      while (f !== 0 && child(f, c) < 0) f = fail[f]!;
      const target = child(f, c);
      fail[next] = target >= 0 && target !== next ? target : 0;
    }
  }
  // 3. outputs: a node's own patterns, then those of its failure target
  const ownCount = new Int32Array(nodes);
  const count = new Int32Array(nodes);
  for (const node of order) {
    ownCount[node] = own.get(node)?.length ?? 0;
    count[node] = ownCount[node]! + count[fail[node]!]!;
  }
  const outStart = new Int32Array(nodes + 1);
  for (let n = 0; n < nodes; n++) outStart[n + 1] = outStart[n]! + count[n]!;
  const outIds = new Int32Array(outStart[nodes]!);
  for (const node of order) {
    let k = outStart[node]!;
    for (const id of own.get(node) ?? []) outIds[k++] = id;
    const f = fail[node]!;
    outIds.copyWithin(k, outStart[f]!, outStart[f + 1]!);
  }
  const rootNext = new Int32Array(65536);
  for (let k = childStart[0]!; k < childStart[1]!; k++) rootNext[childCode[k]!] = childNode[k]!;
  return { childStart, childCode, childNode, rootNext, fail, outStart, outIds, ownCount, child };
}

/** Whitespace of any kind is one symbol, so "cease  trading" and "cease\ntrading" both match. */
function norm(c: number): number {
  return c === 9 || c === 10 || c === 11 || c === 12 || c === 13 ? 32 : c;
}
