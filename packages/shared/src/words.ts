const WORD_RUN = /[\p{L}\p{N}_]+/gu;
const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu;
const HAS_CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/**
 * How long a text is in words, as a reader would count them: runs of letters and digits, except that
 * each CJK character counts as a word (Chinese and Japanese write words without spaces, and a
 * character carries about as much as an English word), so length limits treat both alike.
 */
export function countWords(text: string): number {
  const runs = text.match(WORD_RUN) ?? [];
  // Without a CJK character anywhere every run is one word: one scan instead of one per run.
  if (!HAS_CJK.test(text)) return runs.length;
  let n = 0;
  for (const run of runs) {
    const cjk = run.match(CJK_CHAR)?.length ?? 0;
    n += cjk === 0 ? 1 : cjk + (run.length > cjk ? run.replace(CJK_CHAR, " ").trim().split(/\s+/).length : 0);
  }
  return n;
}
