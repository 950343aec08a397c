import iconv from "iconv-lite";
import { CHARSET_ALIASES, COMMON_HAN, EBCDIC_TABLES } from "./charset-tables.js";

export interface DecodedBody {
  text: string;
  /** The encoding actually used, as an iconv-lite / WHATWG-style label (e.g. "utf-8", "gb18030"). */
  encoding: string;
  /** Present when the bytes did not fit their label, or carried none: what was done about it. */
  charsetProblem?: CharsetProblem;
}

/**
 * - `replaced`: an authoritative UTF-8 label with a few bad sequences; the label was kept and the bad
 *   sequences became U+FFFD (feedparser's rule when the HTTP header says UTF-8).
 * - `redetected`: the bytes are not in the declared encoding at all (a GBK feed labelled UTF-8); they
 *   were decoded with the encoding they read best in.
 * - `suspect`: a legacy single-byte label on bytes that are valid multi-byte UTF-8, which reads as
 *   mojibake ("Ã©"); the label was honoured, as the standards require, and the mismatch flagged.
 * - `undeclared`: neither UTF-8 nor labelled; the encoding was guessed.
 */
export interface CharsetProblem {
  kind: "replaced" | "redetected" | "suspect" | "undeclared";
  declared: string | null;
  /** U+FFFD characters the decoding introduced. */
  replacements: number;
}

export interface DecodeBodyOptions {
  /** The HTTP Content-Type header value, if any. */
  contentType?: string | null;
  kind: "xml" | "html";
}

// WHATWG maps these legacy labels onto supersets; decoding with the superset never loses text
// that the narrower label could have carried (GB2312 feeds routinely contain GBK-only characters).
const SUPERSETS: Record<string, string> = {
  "gb2312": "gb18030",
  "gbk": "gb18030",
  "x-gbk": "gb18030",
  "csgb2312": "gb18030",
  "chinese": "gb18030",
  "gb_2312-80": "gb18030",
  "iso-ir-58": "gb18030",
  "euc-cn": "gb18030",
  "big5-hkscs": "big5",
  "x-x-big5": "big5",
  "cn-big5": "big5",
  "csbig5": "big5",
  "ks_c_5601-1987": "euc-kr",
  "ks_c_5601-1989": "euc-kr",
  "ksc5601": "euc-kr",
  "ksc_5601": "euc-kr",
  "windows-949": "cp949",
  "cp949": "cp949",
  "iso-8859-1": "windows-1252",
  "iso8859-1": "windows-1252",
  "iso_8859-1": "windows-1252",
  "latin1": "windows-1252",
  "latin-1": "windows-1252",
  "l1": "windows-1252",
  "us-ascii": "windows-1252",
  "ascii": "windows-1252",
  "ansi_x3.4-1968": "windows-1252",
  "cp819": "windows-1252",
  "ibm819": "windows-1252",
  "iso-8859-9": "windows-1254",
  "iso-8859-11": "windows-874",
  "tis-620": "windows-874",
  "x-sjis": "shift_jis",
  "sjis": "shift_jis",
  "ms_kanji": "shift_jis",
  "windows-31j": "shift_jis",
  "x-euc-jp": "euc-jp",
  "unicode-1-1-utf-8": "utf-8",
  "utf8": "utf-8",
  "x-mac-roman": "macintosh",
  "mac-roman": "macintosh",
  "mac-latin2": "maccenteuro",
  "maclatin2": "maccenteuro",
  "maccentraleurope": "maccenteuro",
  "x-mac-ce": "maccenteuro",
  "x-mac-centraleurroman": "maccenteuro",
  // Python's names that iconv-lite spells differently; JIS X 0213 extends JIS X 0208, so the
  // base decoder reads every character the two share.
  "ptcp154": "pt154",
  "shift-jis-2004": "shift_jis",
  "shift-jisx0213": "shift_jis",
  "euc-jis-2004": "euc-jp",
  "euc-jisx0213": "euc-jp",
};

const C1_AS_CP1252: Record<string, string> = {
  "\u0080": "\u20ac", "\u0082": "\u201a", "\u0083": "\u0192", "\u0084": "\u201e", "\u0085": "\u2026",
  "\u0086": "\u2020", "\u0087": "\u2021", "\u0088": "\u02c6", "\u0089": "\u2030", "\u008a": "\u0160",
  "\u008b": "\u2039", "\u008c": "\u0152", "\u008e": "\u017d", "\u0091": "\u2018", "\u0092": "\u2019",
  "\u0093": "\u201c", "\u0094": "\u201d", "\u0095": "\u2022", "\u0096": "\u2013", "\u0097": "\u2014",
  "\u0098": "\u02dc", "\u0099": "\u2122", "\u009a": "\u0161", "\u009b": "\u203a", "\u009c": "\u0153",
  "\u009e": "\u017e", "\u009f": "\u0178",
};

/**
 * Maps C1 control characters to the windows-1252 punctuation they almost always stand for
 * (text mislabelled as Latin-1; feedparser calls this "demoronizing"). Undefined ones are kept.
 */
export function mapC1ToWindows1252(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, (c) => C1_AS_CP1252[c] ?? c);
}

/** Normalises a charset label to one iconv-lite can decode, or null when it is unknown. */
export function normaliseCharset(label: string | null | undefined): string | null {
  if (!label) return null;
  const l = label.trim().replace(/^["']|["']$/g, "").toLowerCase();
  if (!l) return null;
  const alias = CHARSET_ALIASES[l.replace(/[^a-z0-9]+/g, "_")];
  const named = (alias ?? l).replace(/_/g, "-");
  const mapped = SUPERSETS[named] ?? SUPERSETS[l] ?? named;
  if (EBCDIC_TABLES[mapped] !== undefined) return mapped;
  if (mapped === "utf-16" || mapped === "utf-32" || mapped === "ucs-2") return mapped;
  const wanted: string = mapped;
  if (iconv.encodingExists(mapped)) return mapped;
  // Labels such as "cp-1252" or "windows1252".
  const compact = wanted.replace(/[^a-z0-9]/g, "");
  const winMatch = /^(?:windows|cp|win)(\d{3,4})$/.exec(compact);
  if (winMatch && iconv.encodingExists(`cp${winMatch[1]}`)) return `cp${winMatch[1]}`;
  if (iconv.encodingExists(compact)) return compact;
  return null;
}

/** Extracts `charset=` from a Content-Type header value. */
export function charsetFromContentType(contentType: string | null | undefined): string | null {
  if (!contentType) return null;
  const m = /;\s*charset\s*=\s*("?)([^";,\s]+)\1/i.exec(contentType);
  return m ? m[2]! : null;
}

function sniffBom(bytes: Uint8Array): { encoding: string; length: number } | null {
  const [a, b, c, d] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  if (a === 0xef && b === 0xbb && c === 0xbf) return { encoding: "utf-8", length: 3 };
  if (a === 0xff && b === 0xfe && c === 0 && d === 0) return { encoding: "utf-32le", length: 4 };
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return { encoding: "utf-32be", length: 4 };
  if (a === 0xfe && b === 0xff) return { encoding: "utf-16be", length: 2 };
  if (a === 0xff && b === 0xfe) return { encoding: "utf-16le", length: 2 };
  return null;
}

/** XML spec appendix F: recognise UTF-16/32 documents without a BOM by how `<?` is laid out. */
function sniffXmlWideEncoding(bytes: Uint8Array): string | null {
  const [a, b, c, d] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  if (a === 0 && b === 0 && c === 0 && d === 0x3c) return "utf-32be";
  if (a === 0x3c && b === 0 && c === 0 && d === 0) return "utf-32le";
  if (a === 0 && b === 0x3c && c === 0 && d === 0x3f) return "utf-16be";
  if (a === 0x3c && b === 0 && c === 0x3f && d === 0) return "utf-16le";
  return null;
}

function asciiPrefix(bytes: Uint8Array, max: number): string {
  const n = Math.min(bytes.length, max);
  let s = "";
  for (let i = 0; i < n; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

function xmlDeclaredEncoding(head: string): string | null {
  const m = /^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([^"']+)["']/i.exec(head);
  return m ? m[1]! : null;
}

function htmlDeclaredEncoding(head: string): string | null {
  const metaRe = /<meta\b[^>]*>/gi;
  let m: RegExpExecArray | null;
  while ((m = metaRe.exec(head))) {
    const tag = m[0];
    const cs = /\bcharset\s*=\s*["']?\s*([^"'\s;/>]+)/i.exec(tag);
    if (cs && (/\bcharset\s*=/i.test(tag.replace(/content\s*=\s*("[^"]*"|'[^']*')/i, "")) || /http-equiv\s*=\s*["']?content-type/i.test(tag))) {
      return cs[1]!;
    }
  }
  return null;
}

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const COMMON_HAN_SET = new Set(COMMON_HAN);
const GUESSES = ["windows-1252", "gb18030", "big5", "euc-kr", "shift_jis", "windows-1251", "windows-1255"];
// The most frequent Russian letters: Hebrew or Greek bytes read as windows-1251 give rare ones (й, ш, ъ).
const COMMON_CYRILLIC = new Set(Array.from("оеаинтсрвлкмдпуяыьгзбОЕАИНТСРВЛКМДПУЯЫЬГЗБ"));

/** How plausible a decoding looks: frequent Han, kana, Hangul and Latin letters score; mojibake costs. */
function plausibility(text: string): number {
  let score = 0;
  const chars = Array.from(text);
  const asciiLetter = (ch: string | undefined) => ch !== undefined && /[A-Za-z]/.test(ch);
  chars.forEach((ch, i) => {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) return;
    if (c === 0xfffd || (c >= 0x80 && c <= 0x9f) || (c >= 0xe000 && c <= 0xf8ff)) score -= 5;
    else if (COMMON_HAN_SET.has(ch)) score += 2;
    else if (c >= 0xac00 && c <= 0xd7a3) score += 1;
    else if (c >= 0x3040 && c <= 0x30ff) score += 1.5;
    else if (c >= 0x4e00 && c <= 0x9fff) score -= 0.5;
    else if ((c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xff61 && c <= 0xff9f)) score -= 2;
    // One byte per letter in these alphabets, against two per Han/Hangul character: weigh per byte.
    else if (c >= 0x0400 && c <= 0x052f) score += scriptLetter(chars, i, 0x0400, 0x052f, COMMON_CYRILLIC.has(ch) ? 0.4 : 0.1);
    else if (c >= 0x05d0 && c <= 0x05ea) score += scriptLetter(chars, i, 0x05d0, 0x05ea, 0.4);
    else if (c >= 0x0591 && c <= 0x05c7) score -= 0.5;
    else if (c >= 0xc0 && c <= 0xff) {
      // Accented letters sit inside Latin words; runs of them are CJK bytes read as Latin-1.
      const nonAscii = (n: string | undefined) => n !== undefined && n.charCodeAt(0) >= 0x80;
      score += asciiLetter(chars[i - 1]) || asciiLetter(chars[i + 1]) ? 1 : nonAscii(chars[i - 1]) || nonAscii(chars[i + 1]) ? -0.5 : 0;
    } else if ((c >= 0x2013 && c <= 0x2026) || c === 0x20ac || (c >= 0x3000 && c <= 0x303f)) score += 1;
    else if (c >= 0xff01 && c <= 0xff5e) score += 0.5;
  });
  return score;
}

/**
 * A letter of a non-Latin alphabet counts inside a word of its own alphabet; glued to a Latin letter
 * it is mojibake, and alone it says nothing.
 */
function scriptLetter(chars: string[], i: number, lo: number, hi: number, weight: number): number {
  const latin = (ch: string | undefined) => ch !== undefined && /[A-Za-z]/.test(ch);
  const same = (ch: string | undefined) => ch !== undefined && ch.charCodeAt(0) >= lo && ch.charCodeAt(0) <= hi;
  if (latin(chars[i - 1]) || latin(chars[i + 1])) return -1;
  return same(chars[i - 1]) || same(chars[i + 1]) ? weight : 0;
}

/** Counts well-formed multi-byte UTF-8 sequences and malformed ones (each maximal bad subpart once). */
function utf8Sequences(bytes: Uint8Array): { valid: number; invalid: number } {
  let valid = 0;
  let invalid = 0;
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
    let k = 1;
    while (k <= need && i + k < bytes.length && (bytes[i + k]! & 0xc0) === 0x80) k++;
    if (need > 0 && k === need + 1) valid++;
    else invalid++;
    i += k;
  }
  return { valid, invalid };
}

/**
 * Undeclared bytes that are not UTF-8: pick the legacy encoding whose decoding reads most like
 * real text (a small stand-in for feedparser's chardet step). windows-1252 wins ties.
 */
function guessLegacyEncoding(bytes: Uint8Array): string {
  const sample = bytes.subarray(0, 64 * 1024);
  let best = "windows-1252";
  let bestScore = -Infinity;
  for (const enc of GUESSES) {
    const score = plausibility(decodeWith(sample, enc));
    if (score > bestScore) {
      best = enc;
      bestScore = score;
    }
  }
  return best;
}

function decodeWith(bytes: Uint8Array, encoding: string): string {
  const table = EBCDIC_TABLES[encoding];
  if (table !== undefined) {
    let out = "";
    for (let i = 0; i < bytes.length; i += 8192) {
      out += String.fromCharCode(...Array.from(bytes.subarray(i, i + 8192), (b) => table.charCodeAt(b)));
    }
    return out;
  }
  if (encoding === "utf-8") return new TextDecoder("utf-8").decode(bytes);
  // WHATWG windows-1252 keeps the five undefined bytes as C1 controls, where iconv-lite writes U+FFFD
  // (and Node's own TextDecoder decodes it as Latin-1).
  if (encoding === "windows-1252" || encoding === "cp1252") {
    return mapC1ToWindows1252(iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), "latin1"));
  }
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding);
}

/**
 * Decodes a fetched body to text, in feedparser/WHATWG priority: BOM, HTTP charset, the document's
 * own declaration (XML declaration or HTML `<meta>`), then UTF-8, then the legacy encoding the bytes
 * read best in. Unknown labels are skipped, never thrown on. Bytes that do not fit their label are
 * decoded as described under CharsetProblem and reported in `charsetProblem`. For XML the
 * declaration's `encoding=` is rewritten to "utf-8" so a downstream XML parser does not decode again.
 */
export function decodeBody(bytes: Uint8Array, opts: DecodeBodyOptions): DecodedBody {
  let body = bytes;
  let encoding: string | null = null;
  // A UTF-8 label from the transport (or an XML media type that defers to the declaration) is
  // authoritative: bad sequences in it are the server's errors, not a sign of another encoding.
  let authoritative = false;

  const bom = sniffBom(bytes);
  if (bom) {
    encoding = bom.encoding;
    body = bytes.subarray(bom.length);
  }
  if (!encoding) {
    const http = normaliseCharset(charsetFromContentType(opts.contentType));
    // A UTF-16/32 label on an ASCII-compatible body is a server mistake; trust the bytes instead.
    if (http && !(/^utf-(16|32)/.test(http) && !sniffXmlWideEncoding(bytes) && bytes[0] === 0x3c)) {
      encoding = http;
      authoritative = true;
    }
  }
  if (!encoding && opts.kind === "xml") {
    const wide = sniffXmlWideEncoding(bytes);
    if (wide) encoding = wide;
  }
  if (!encoding && opts.kind === "xml" && bytes[0] === 0x4c && bytes[1] === 0x6f && bytes[2] === 0xa7 && bytes[3] === 0x94) {
    // "<?xm" in EBCDIC: read the declaration through cp037 to learn the exact code page.
    const declared = normaliseCharset(xmlDeclaredEncoding(decodeWith(bytes.subarray(0, 256), "cp037")));
    encoding = declared && EBCDIC_TABLES[declared] !== undefined ? declared : "cp037";
  }
  if (!encoding) {
    const head = asciiPrefix(bytes, opts.kind === "html" ? 4096 : 1024);
    const declared = opts.kind === "xml" ? xmlDeclaredEncoding(head) : htmlDeclaredEncoding(head);
    const norm = normaliseCharset(declared);
    // A declaration claiming UTF-16 in an ASCII-readable prefix cannot be true.
    if (norm && !/^(utf-16|utf-32|ucs-2)/.test(norm)) {
      encoding = norm;
      authoritative = opts.kind === "xml" && /^\s*application\/([\w.-]+\+)?xml\b/i.test(opts.contentType ?? "");
    }
  }
  if (encoding === "utf-16") encoding = bytes[0] === 0 ? "utf-16be" : "utf-16le";
  if (encoding === "utf-32") encoding = bytes[0] === 0 ? "utf-32be" : "utf-32le";
  if (encoding === "ucs-2") encoding = "utf-16le";

  let problem: CharsetProblem | undefined;
  if (!encoding) {
    if (isValidUtf8(body)) encoding = "utf-8";
    else {
      encoding = guessLegacyEncoding(body);
      problem = { kind: "undeclared", declared: null, replacements: 0 };
    }
  } else if (encoding === "utf-8" && !bom && !isValidUtf8(body)) {
    const { valid, invalid } = utf8Sequences(body);
    // Legacy multi-byte text forms valid UTF-8 sequences only by accident (Chinese GBK text: about one
    // for every four bad ones), so at least as many good sequences as bad means UTF-8 with errors.
    const mostlyUtf8 = valid >= invalid * 2;
    if (authoritative && valid >= invalid) problem = { kind: "replaced", declared: "utf-8", replacements: 0 };
    else {
      // UTF-8 with stray bytes falls back to windows-1252, as feedparser does; bytes that are mostly
      // not UTF-8 at all (a GBK feed labelled UTF-8) are read in the encoding they read best in.
      encoding = mostlyUtf8 ? "windows-1252" : guessLegacyEncoding(body);
      problem = { kind: "redetected", declared: "utf-8", replacements: 0 };
    }
  } else if (SINGLE_BYTE_LATIN.test(encoding) && !bom && hasMultibyteUtf8(body)) {
    problem = { kind: "suspect", declared: encoding, replacements: 0 };
  }

  let text: string;
  try {
    text = decodeWith(body, encoding);
  } catch {
    encoding = "windows-1252";
    text = decodeWith(body, encoding);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (opts.kind === "xml") {
    text = text.replace(/^(\s*<\?xml\b[^>]*?\bencoding\s*=\s*)(["'])[^"']*\2/i, "$1$2utf-8$2");
  }
  if (problem?.kind === "replaced") problem.replacements = (text.match(/\uFFFD/g) ?? []).length;
  return problem ? { text, encoding, charsetProblem: problem } : { text, encoding };
}

const SINGLE_BYTE_LATIN = /^(windows-125[0-8]|cp125[0-8]|iso-8859-\d+|latin\d?|macintosh)$/;

/** Valid UTF-8 that uses multi-byte sequences: text a legacy label would turn into mojibake. */
function hasMultibyteUtf8(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 64 * 1024);
  if (!sample.some((b) => b >= 0x80)) return false;
  const { valid, invalid } = utf8Sequences(sample);
  return invalid === 0 && valid > 0;
}
