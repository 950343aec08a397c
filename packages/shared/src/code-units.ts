const charCodeAt = String.prototype.charCodeAt;

/**
 * `text.charCodeAt(i)` for per-character loops. Text reaches those loops in many string representations
 * (flat, sliced, concatenated, one- or two-byte, internalised), and past four of them V8's optimised code
 * looks the method up generically on every call: in the extractor that lookup was a tenth of the
 * extraction thread (perf). Called through a constant, the method is known and inlined.
 */
export function codeUnitAt(text: string, index: number): number {
  return charCodeAt.call(text, index);
}
