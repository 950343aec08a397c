export type MentionKind = "authority" | "action" | "entity" | "jurisdiction";

export interface Mention {
  kind: MentionKind;
  value: string;
  surface: string;
  /** UTF-16 offsets into the analysed string `title + "\n\n" + text` (see analysedText). */
  start: number;
  end: number;
}

/** The evidence span for a finding: `value` as found at [start, end) of `src`. */
export function mention(src: string, kind: MentionKind, value: string, span: { start: number; end: number }): Mention {
  return { kind, value, surface: src.slice(span.start, span.end), start: span.start, end: span.end };
}
