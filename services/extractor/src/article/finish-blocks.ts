// Last step of main-text extraction: blocks become the article text, with furniture lines, bylines,
// datelines and repeats dropped at the edges.
import { codeUnitAt } from "@regradar/shared";
import type { AnyNode, ParentNode } from "domhandler";
import { BLOCK_TAGS, DROP_TAGS } from "./block-names.js";
import { isElement } from "./dom.js";
import { LIST_MARK } from "./serialise-blocks.js";

/** Whole lines that are furniture wherever they appear (tested after an opening bracket is dropped). */
const BOILERPLATE_TEXT = /^(?:advertisements?|ad|anzeige|publicité|publicidad|pubblicità|publicidade|iklan|реклама|광고|广告|広告|advertentie|reklama|sponsored(?: content)?|story continues below(?: advertisement)?|continue reading(?: below)?|(?:read|see) (?:more|also)\b.{0,120}|related(?: (?:articles?|stories|content|coverage|links?|reading|news|posts?))?(?::.{0,150})?|share(?: this)?(?: (?:article|story|post|on \w+))?|(?:sign up|subscribe)\b.{0,100}|click here\b.{0,80}|follow (?:us|[\w.@]+(?: \w+)?) (?:on|at)\b.{0,100}|like this (?:story|article|post)\?.{0,80}|this (?:post|article|page|story) (?:may )?contains? affiliate.{0,200}|(?:get|copy) short url|also:\s.{0,150}|[\p{L} ]{1,24}:\s*https?:\/\/\S+|image (?:source|caption|copyright)\b.*|(?:photo|image|picture|video)(?: credit)?:.{0,120}|getty images|(?:more|top) stories|recommended(?: for you)?|you may also like|trending(?: now)?|most (?:read|popular)|comments?|leave a (?:comment|reply)|previous(?: article| post)?|next(?: article| post)?|tags?:.{0,200}|filed under:?.{0,200}|copyright\s*(?:[©ⓒ]|\(c\)|\d{4}).{0,200}|[©ⓒ].{0,200}|all rights reserved\.?)$/iu;

/** Join blocks: list-item lines with "\n", everything else as paragraphs; drop boilerplate lines. */
export function finishBlocks(blocks: string[], title: string | null = null, authors: readonly string[] = []): string {
  const out: string[] = [];
  const titleKey = title ? squash(title) : null;
  const authorKeys = authors.map(squash).filter((k) => k.length >= 3);
  const isAuthorBlock = (t: string): boolean => {
    const key = squash(t);
    if (authorKeys.includes(key)) return true;
    // "Jane Doe is a reporter who covers ..." closing the article
    return t.length < 600 && authorKeys.some((a) => key.startsWith(a) && /^[^,.]{0,60}\s(?:is|was|has|writes|covers|reports)\b/.test(t));
  };
  let prevList = false;
  for (let i = 0; i < blocks.length; i++) {
    const raw = blocks[i]!;
    // bylines and datelines sit at the edges of the body; inside it a dated line is a quote or embed
    const atEdge = i < 3 || i >= blocks.length - 2;
    const isItem = raw.startsWith(LIST_MARK);
    const text = (isItem ? raw.slice(1) : raw).trim();
    if (!text) continue;
    const lines = text
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !BOILERPLATE_TEXT.test(l.replace(/^[[(【]\s*/, "")));
    if (!lines.length) continue;
    const t = lines.join("\n");
    if (atEdge && (/^\d[\d,.\s]*$/.test(t) || isAuthorBlock(t))) continue;
    if ((atEdge && (isDateline(t) || EDGE_CREDIT.test(t))) || (!isItem && titleKey && isTitle(t, titleKey))) continue;
    if (isItem && prevList && out.length) out[out.length - 1] += `\n${t}`;
    else out.push(t);
    prevList = isItem;
  }
  // a paragraph repeated verbatim (sticky headers, duplicated teasers) counts once
  const seen = new Set<string>();
  return out
    .filter((p) => {
      if (p.length < 20) return true;
      if (seen.has(p)) return false;
      seen.add(p);
      return true;
    })
    .join("\n\n");
}

const squash = (s: string): string => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
/**
 * The block repeats the headline. Squashing only shortens, so a block shorter than the squashed headline
 * is not it; nor is one with more characters that squash keeps one for one (ASCII letters and digits, CJK
 * ideographs) than the headline has: most paragraphs, told apart without squashing them.
 */
const isTitle = (t: string, titleKey: string) => t.length >= titleKey.length && !keepsMoreThan(t, titleKey.length) && squash(t) === titleKey;

function keepsMoreThan(t: string, limit: number): boolean {
  let kept = 0;
  for (let i = 0; i < t.length; i++) {
    const c = codeUnitAt(t, i);
    const keptAsIs = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 0x4e00 && c <= 0x9fff);
    if (keptAsIs && ++kept > limit) return true;
  }
  return false;
}

const DATE_IN_TEXT = /\b(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}|\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*,? \d{4})(?!\d)|\d{4}年\d{1,2}月\d{1,2}日/i;

/** Update stamps and wire-copy credits, found above or below the story. */
const EDGE_CREDIT = /^(?:(?:last )?updated|(?:first )?published|posted)\b.{0,60}$|^(?:(?:additional )?reporting|writing|editing|compiled|produced|translated) by\b.{0,300}$/i;

/** A short line made of a date and a few words: a dateline or "published by" line, not prose. */
function isDateline(t: string): boolean {
  if (t.length > 140 || /^[—–-]/.test(t) || !DATE_IN_TEXT.test(t)) return false;
  const words = t.replace(DATE_IN_TEXT, " ").match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length <= 14 && !/[.!?。]["”’)]?$/.test(t.replace(/\b(?:a\.m|p\.m|[A-Z])\.$/, ""));
}

/** Iterative fallback: paragraph text of the whole document, split at block boundaries. */
export function flatText(root: ParentNode): string {
  const blocks: string[] = [];
  let buf = "";
  const stack: AnyNode[] = [...root.children].reverse();
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === "text") buf += n.data;
    else if (isElement(n) && !DROP_TAGS.has(n.name)) {
      if (BLOCK_TAGS.has(n.name)) {
        blocks.push(buf);
        buf = "";
      }
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
    }
  }
  blocks.push(buf);
  return finishBlocks(blocks.map((b) => b.replace(/\s+/g, " ").trim()).filter((b) => b.length > 0));
}

