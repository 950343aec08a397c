import { isWordCode } from "./fold.js";

/** One hit of the multi-pattern matcher, in folded-text offsets [start, end). */
export interface RawMatch {
  readonly pattern: number;
  readonly start: number;
  readonly end: number;
}

/**
 * Aho–Corasick automaton over UTF-16 code units. Patterns whose first/last character is a
 * Latin letter or digit only match at word boundaries ("SEC" never matches inside "section"),
 * CJK patterns match anywhere. Whitespace in patterns matches any single whitespace character.
 */
export class AhoCorasick {
  private readonly next: Map<number, number>[] = [new Map()];
  private readonly fail: number[] = [0];
  private readonly out: number[][] = [[]];
  private readonly lengths: number[] = [];
  private readonly boundStart: boolean[] = [];
  private readonly boundEnd: boolean[] = [];
  private built = false;
  /** Dense transition table for the root, the state the automaton is in most of the time. */
  private rootNext = new Int32Array(65536);

  /** Adds a (folded) pattern and returns its id. */
  add(pattern: string): number {
    if (this.built) throw new Error("AhoCorasick: add() after build()");
    const id = this.lengths.length;
    let node = 0;
    for (let i = 0; i < pattern.length; i++) {
      const c = norm(pattern.charCodeAt(i));
      let nx = this.next[node]!.get(c);
      if (nx === undefined) {
        nx = this.next.length;
        this.next.push(new Map());
        this.fail.push(0);
        this.out.push([]);
        this.next[node]!.set(c, nx);
      }
      node = nx;
    }
    this.out[node]!.push(id);
    this.lengths.push(pattern.length);
    this.boundStart.push(isWordCode(pattern.charCodeAt(0)));
    this.boundEnd.push(isWordCode(pattern.charCodeAt(pattern.length - 1)));
    return id;
  }

  build(): this {
    const queue: number[] = [];
    for (const child of this.next[0]!.values()) { this.fail[child] = 0; queue.push(child); }
    for (let qi = 0; qi < queue.length; qi++) {
      const node = queue[qi]!;
      for (const [c, child] of this.next[node]!) {
        queue.push(child);
        let f = this.fail[node]!;
        while (f !== 0 && !this.next[f]!.has(c)) f = this.fail[f]!;
        const target = this.next[f]!.get(c);
        this.fail[child] = target !== undefined && target !== child ? target : 0;
        const inherited = this.out[this.fail[child]!]!;
        if (inherited.length) this.out[child] = this.out[child]!.concat(inherited);
      }
    }
    this.rootNext.fill(0);
    for (const [c, child] of this.next[0]!) this.rootNext[c] = child;
    this.built = true;
    return this;
  }

  /** All boundary-respecting matches in `text` (already folded). */
  search(text: string): RawMatch[] {
    if (!this.built) this.build();
    const res: RawMatch[] = [];
    let node = 0;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = norm(text.charCodeAt(i));
      if (node === 0) {
        node = this.rootNext[c]!;
        if (node === 0) continue;
      } else {
        let nx = this.next[node]!.get(c);
        while (nx === undefined && node !== 0) { node = this.fail[node]!; nx = node === 0 ? undefined : this.next[node]!.get(c); }
        node = nx ?? this.rootNext[c]!;
      }
      const outs = this.out[node]!;
      if (outs.length === 0) continue;
      for (const id of outs) {
        const end = i + 1;
        const start = end - this.lengths[id]!;
        if (this.boundStart[id] && start > 0 && isWordCode(text.charCodeAt(start - 1))) continue;
        if (this.boundEnd[id] && end < n && isWordCode(text.charCodeAt(end))) continue;
        res.push({ pattern: id, start, end });
      }
    }
    return res;
  }
}

/** Whitespace of any kind is one symbol, so "cease  trading" and "cease\ntrading" both match. */
function norm(c: number): number {
  return c === 9 || c === 10 || c === 13 || c === 12 || c === 11 ? 32 : c;
}
