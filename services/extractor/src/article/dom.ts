// Small reads over domhandler nodes (as cheerio holds them), shared by every extraction step.
import { codeUnitAt } from "@regradar/shared";
import type { AnyNode, Element, ParentNode } from "domhandler";
import { DROP_TAGS } from "./block-names.js";

export const isElement = (n: AnyNode): n is Element => n.type === "tag";
/** class and id, camelCase split ("newsCaption" -> "news Caption") so word-bounded patterns see the parts. */
export const hintsOf = (el: Element): string => splitCamel(`${el.attribs["class"] ?? ""} ${el.attribs["id"] ?? ""}`.trim());
export const splitCamel = (s: string): string => s.replace(/([a-z])([A-Z])/g, "$1 $2");

export function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, "") || null;
  } catch {
    return null;
  }
}

export function parentElement(el: Element): Element | null {
  const p = el.parent;
  return p && p.type === "tag" ? (p as Element) : null;
}

export function contains(anc: Element, el: Element): boolean {
  for (let n: Element | null = el; n; n = parentElement(n)) if (n === anc) return true;
  return false;
}

export function textOf(node: ParentNode, raw = false): string {
  let out = "";
  for (const c of node.children) {
    if (c.type === "text") out += c.data;
    else if (isElement(c) && !DROP_TAGS.has(c.name)) out += textOf(c, true);
  }
  return raw ? out : out.replace(/\s+/g, " ").trim();
}

export function linkTextLength(node: ParentNode): number {
  let n = 0;
  for (const c of node.children) {
    if (!isElement(c)) continue;
    n += c.name === "a" ? textOf(c).length : linkTextLength(c);
  }
  return n;
}

export function collapsedLength(s: string): number {
  let n = 0;
  let space = true;
  for (let i = 0; i < s.length; i++) {
    const c = codeUnitAt(s, i);
    const ws = c === 32 || c === 10 || c === 9 || c === 13 || c === 12 || c === 160;
    if (ws) {
      if (!space) n++;
      space = true;
    } else {
      n++;
      space = false;
    }
  }
  return n;
}

export function countCommas(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = codeUnitAt(s, i);
    if (c === 44 || c === 0xff0c || c === 0x3001) n++;
  }
  return n;
}

export function findLinks(node: ParentNode, out: Element[]): Element[] {
  for (const c of node.children) {
    if (!isElement(c)) continue;
    if (c.name === "a") out.push(c);
    else findLinks(c, out);
  }
  return out;
}

