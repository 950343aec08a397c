// Cheap language identification for article text: script counts decide the languages with their own
// script (zh, ja, ko, ru and a few more), stop-word hits decide among Latin-script languages.
// Good enough to tag a news article; not meant for short snippets, hence the minimum sizes.
import { codeUnitAt } from "@regradar/shared";

/** Fewer letters than this and we do not guess. */
const MIN_LETTERS = 20;
/** Look at most at this many characters: the head of an article is representative and keeps this O(1). */
const SAMPLE_CHARS = 6000;

const STOP_WORDS: Record<string, readonly string[]> = {
  en: ["the", "and", "of", "to", "in", "is", "that", "for", "it", "with", "was", "on", "as", "are", "this", "by", "be", "from", "has", "have", "said", "will", "not", "but", "they", "which"],
  de: ["der", "die", "und", "das", "ist", "nicht", "mit", "den", "von", "auf", "sich", "ein", "eine", "dem", "des", "auch", "für", "wird", "wurde", "werden", "sind", "im", "zu"],
  fr: ["le", "la", "les", "et", "des", "est", "une", "un", "du", "que", "qui", "dans", "pour", "pas", "sur", "avec", "au", "par", "ce", "sont", "il", "elle", "ont"],
  es: ["el", "la", "los", "las", "y", "que", "del", "en", "un", "una", "por", "con", "para", "es", "se", "no", "su", "al", "como", "más", "pero", "fue", "han"],
  pt: ["o", "a", "os", "as", "e", "que", "do", "da", "dos", "das", "em", "um", "uma", "para", "com", "não", "por", "se", "é", "mais", "ao", "foi", "são", "seu", "sua"],
  it: ["il", "la", "che", "di", "e", "per", "un", "una", "non", "sono", "del", "della", "nel", "con", "gli", "le", "alla", "anche", "è", "ha", "ma", "dei", "più"],
  nl: ["de", "het", "een", "en", "van", "is", "niet", "dat", "op", "te", "zijn", "met", "voor", "er", "maar", "ook", "aan", "wordt", "werd", "bij", "naar", "om"],
  id: ["yang", "dan", "di", "ini", "itu", "dengan", "untuk", "dari", "tidak", "akan", "pada", "adalah", "dalam", "juga", "ke", "oleh", "ada", "karena", "bisa", "saya", "kita", "atau"],
  tr: ["ve", "bir", "bu", "da", "de", "için", "ile", "olarak", "çok", "daha", "gibi", "olan", "ama", "en", "ne", "kadar", "sonra", "değil"],
  pl: ["i", "w", "nie", "na", "się", "że", "z", "do", "to", "jest", "jak", "po", "ale", "o", "od", "za", "przez", "tak", "już", "są"],
};

/** Stop word -> the languages that have it, in the order above: one lookup per word, not one per language. */
const STOP_WORD_LANGUAGES = new Map<string, string[]>();
for (const [lang, words] of Object.entries(STOP_WORDS)) {
  for (const w of words) STOP_WORD_LANGUAGES.set(w, [...(STOP_WORD_LANGUAGES.get(w) ?? []), lang]);
}

/**
 * Best-guess ISO 639-1 code of `text` ("en", "zh", "ja", "ko", "ru", ...), or null when the text is too
 * short or no language stands out.
 */
export function detectLanguage(text: string): string | null {
  const sample = text.length > SAMPLE_CHARS ? text.slice(0, SAMPLE_CHARS) : text;
  let han = 0, kana = 0, hangul = 0, cyrillic = 0, latin = 0, arabic = 0, greek = 0, hebrew = 0, thai = 0, devanagari = 0;
  let ukrainianMarks = 0;
  // Code units, not code points: every range below lies in the Basic Multilingual Plane, and a surrogate falls in none.
  for (let i = 0; i < sample.length; i++) {
    const c = codeUnitAt(sample, i);
    if (c < 0x80) {
      if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) latin++;
    } else if (c >= 0x4e00 && c <= 0x9fff) han++;
    else if (c >= 0x3040 && c <= 0x30ff) kana++;
    else if ((c >= 0xac00 && c <= 0xd7af) || (c >= 0x1100 && c <= 0x11ff) || (c >= 0x3130 && c <= 0x318f)) hangul++;
    else if (c >= 0x0400 && c <= 0x04ff) {
      cyrillic++;
      // і ї є ґ occur in Ukrainian, never in Russian
      if (c === 0x0456 || c === 0x0457 || c === 0x0454 || c === 0x0491) ukrainianMarks++;
    } else if (c >= 0x00c0 && c <= 0x024f) latin++;
    else if (c >= 0x0600 && c <= 0x06ff) arabic++;
    else if (c >= 0x0370 && c <= 0x03ff) greek++;
    else if (c >= 0x0590 && c <= 0x05ff) hebrew++;
    else if (c >= 0x0e00 && c <= 0x0e7f) thai++;
    else if (c >= 0x0900 && c <= 0x097f) devanagari++;
    else if (c >= 0x3400 && c <= 0x4dbf) han++;
  }
  const cjk = han + kana + hangul;
  // a CJK character carries roughly a word, so it counts for several Latin letters
  const total = cjk * 3 + cyrillic + latin + arabic + greek + hebrew + thai + devanagari;
  if (total < MIN_LETTERS) return null;

  if (cjk * 3 >= total * 0.3) {
    if (hangul >= (han + kana) * 0.5) return "ko";
    // Japanese mixes kana into kanji; Chinese has none (a stray kana symbol is tolerated)
    if (kana >= Math.max(5, cjk * 0.1)) return "ja";
    return "zh";
  }
  const scripts: Array<[string, number]> = [
    ["cyr", cyrillic], ["ar", arabic], ["el", greek], ["he", hebrew], ["th", thai], ["hi", devanagari], ["latin", latin],
  ];
  scripts.sort((a, b) => b[1] - a[1]);
  const [top] = scripts[0]!;
  if (top === "cyr") return ukrainianMarks > cyrillic * 0.01 ? "uk" : "ru";
  if (top !== "latin") return top;
  return latinLanguage(sample);
}

function latinLanguage(text: string): string | null {
  const words = text.toLowerCase().match(/[\p{L}']+/gu);
  if (!words || words.length < 5) return null;
  const hits: Record<string, number> = {};
  for (const w of words) {
    for (const lang of STOP_WORD_LANGUAGES.get(w) ?? []) hits[lang] = (hits[lang] ?? 0) + 1;
  }
  let best: string | null = null, bestHits = 0, second = 0;
  for (const [lang, n] of Object.entries(hits)) {
    if (n > bestHits) {
      second = bestHits;
      best = lang;
      bestHits = n;
    } else if (n > second) second = n;
  }
  // demand that stop words make up a fair share of the text and that the winner is clear
  if (!best || bestHits < Math.max(3, words.length * 0.08) || bestHits < second * 1.2) return null;
  return best;
}
