import type { ComponentChild } from "preact";
import type { Mention } from "../api.js";

/** The string every mention offset indexes: the title, a blank line, the text (as the extractor analysed it). */
export const analysedText = (title: string | null, text: string) => `${title ?? ""}\n\n${text}`;

/**
 * One region of the analysed text (the title, or the body) with each mention marked where it
 * occurs. Overlapping mentions: the earlier, then the longer, wins.
 */
export function MarkedText({ source, from, to, mentions, active }: { source: string; from: number; to: number; mentions: Mention[]; active: string | null }) {
  const inside = mentions.filter((m) => m.start >= from && m.end <= to).sort((a, b) => a.start - b.start || b.end - a.end);
  const out: ComponentChild[] = [];
  let at = from;
  for (const m of inside) {
    if (m.start < at) continue;
    if (m.start > at) out.push(source.slice(at, m.start));
    const id = `${m.kind}:${m.value}`;
    out.push(
      <mark class={`mention mention-${m.kind}${active === id ? " active" : ""}`} data-kind={m.kind} data-value={m.value} title={`${m.kind}: ${m.value}`}>
        {source.slice(m.start, m.end)}
      </mark>,
    );
    at = m.end;
  }
  out.push(source.slice(at, to));
  return <>{out}</>;
}
