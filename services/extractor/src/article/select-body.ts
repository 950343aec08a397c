// Step 3 of main-text extraction: the best-scoring block, promoted upwards when several strong
// candidates share a parent, plus the siblings that also read as body (bodies split across containers).
import type { AnyNode, Element, ParentNode } from "domhandler";
import { BOILERPLATE_BLOCK, CONTAINER_TAGS } from "./block-names.js";
import { contains, hintsOf, isElement, parentElement, textOf } from "./dom.js";
import { classWeight, finalScore, type PageState } from "./score-blocks.js";

export function selectTop(page: PageState): Element | null {
  const ranked = [...page.scores.keys()]
    .map((el) => ({ el, score: finalScore(page, el) }))
    .sort((a, b) => b.score - a.score);
  if (!ranked.length) return null;
  let top = ranked[0]!.el;
  let topScore = ranked[0]!.score;

  // several strong candidates under one ancestor: the article is split across them
  const alternatives = ranked.slice(1, 6).filter((c) => c.score >= topScore * 0.75).map((c) => c.el);
  if (alternatives.length >= 2) {
    let anc = parentElement(top);
    while (anc && anc.name !== "body") {
      const contained = alternatives.filter((a) => contains(anc!, a)).length;
      if (contained >= Math.min(2, alternatives.length)) {
        top = anc;
        break;
      }
      anc = parentElement(anc);
    }
  }
  // climb to ancestors that keep a fair share of the score: a paragraph's grandparent gets half its
  // credit, so the wrapper of a body split in parts outscores a third of the best part
  let last = topScore / 3;
  let parent = parentElement(top);
  while (parent && parent.name !== "body") {
    if (!page.scores.has(parent)) {
      parent = parentElement(parent);
      continue;
    }
    const ps = finalScore(page, parent);
    if (ps < last) break;
    if (ps > last) {
      top = parent;
      topScore = ps;
    }
    last = ps;
    parent = parentElement(parent);
  }
  // a lone child says nothing its parent does not
  while (top.parent && isElement(top.parent as AnyNode) && (top.parent as Element).name !== "body") {
    const p = top.parent as Element;
    if (p.children.filter((c) => isElement(c) && !page.removed.has(c)).length !== 1) break;
    top = p;
  }
  return top;
}

/** The <body>, looked for where parsers put it (under <html>), or null for a fragment. */
export function findBody(root: ParentNode): Element | null {
  for (const c of root.children) {
    if (!isElement(c)) continue;
    if (c.name === "body") return c;
    if (c.name === "html") return (c.children.find((h) => isElement(h) && h.name === "body") as Element | undefined) ?? c;
  }
  return null;
}

/** The top candidate and the siblings that read as more of the same article. */
export function withSiblings(page: PageState, top: Element): Element[] {
  const parent = parentElement(top);
  if (!parent) return [top];
  const topScore = finalScore(page, top);
  const threshold = Math.max(10, topScore * 0.2);
  const topClass = top.attribs["class"] ?? "";
  const out: Element[] = [];
  for (const sib of parent.children) {
    if (!isElement(sib) || page.removed.has(sib)) continue;
    if (sib === top) {
      out.push(sib);
      continue;
    }
    const s = page.stats.get(sib);
    if (!s || !s.text) continue;
    const ld = s.link / s.text;
    let score = page.scores.has(sib) ? finalScore(page, sib) : 0;
    if (topClass && sib.attribs["class"] === topClass) score += topScore * 0.2;
    let append = score >= threshold && ld < 0.3;
    if (!append && (sib.name === "p" || sib.name === "blockquote" || sib.name === "pre" || /^h[2-6]$/.test(sib.name) || sib.name === "ul" || sib.name === "ol")) {
      const t = textOf(sib);
      append = (t.length > 80 && ld < 0.25) || (t.length > 0 && t.length <= 80 && ld === 0 && /[.!?。！？:]["”’)]?(?:\s|$)/.test(t));
      if (/^h[2-6]$/.test(sib.name) || sib.name === "ul" || sib.name === "ol") append = append && classWeight(page, sib) >= 0;
    }
    if (!append && CONTAINER_TAGS.has(sib.name) && s.paras >= 2 && ld < 0.2 && classWeight(page, sib) >= 0 && !BOILERPLATE_BLOCK.test(hintsOf(sib))) {
      append = true;
    }
    if (append) out.push(sib);
  }
  return out;
}
