// Feed dates: RFC 822 with odd zones, W3CDTF / ISO 8601 variants, asctime and the common broken
// forms feedparser accepts. A missing zone means UTC, as in feedparser.

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

// Offsets in minutes east of UTC.
const ZONES: Record<string, number> = {
  ut: 0, utc: 0, gmt: 0, z: 0, wet: 0, bst: 60, cet: 60, met: 60, cest: 120, mest: 120, eet: 120, eest: 180,
  adt: -180, ast: -240, at: -240, edt: -240, est: -300, et: -300, cdt: -300, cst: -360, ct: -360,
  mdt: -360, mst: -420, mt: -420, pdt: -420, pst: -480, pt: -480, akst: -540, akdt: -480, hst: -600,
  jst: 540, kst: 540, ist: 330, msk: 180, nzst: 720, nzdt: 780, aest: 600, aedt: 660,
  a: -60, n: 60, m: -720, y: 720,
};

function twoDigitYear(y: number, digits: number): number {
  if (digits > 2) return y;
  return y < 90 ? 2000 + y : 1900 + y;
}

function build(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0, offsetMin = 0): string | null {
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h <= 24 && mi >= 0 && mi <= 59 && s >= 0 && s <= 60)) {
    return null;
  }
  if (y < 1 || y > 9999) return null;
  const dim = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d > dim) return null;
  // Whole seconds only: feedparser's struct_time has no fractions.
  void ms;
  const t = Date.UTC(y, mo - 1, d, h, mi, Math.min(s, 59)) - offsetMin * 60_000;
  const date = new Date(t);
  if (Number.isNaN(date.getTime())) return null;
  if (y < 100) date.setUTCFullYear(y);
  return date.toISOString();
}

function parseOffset(z: string | undefined): number | null {
  if (!z) return 0;
  const t = z.trim().toLowerCase().replace(/^etc\//, "");
  if (t === "") return 0;
  const num = /^(?:(?:gmt|utc|ut)\s*)?([+-])(\d{1,2}):?(\d{2})?$/.exec(t);
  if (num) {
    const sign = num[1] === "-" ? -1 : 1;
    const hh = Number(num[2]);
    const mm = Number(num[3] ?? 0);
    if (hh > 14 || mm > 59) return null;
    return sign * (hh * 60 + mm);
  }
  const name = t.replace(/[()]/g, "");
  if (name in ZONES) return ZONES[name]!;
  if (/^[a-z]{1,5}$/.test(name)) return 0; // unknown zone name: feedparser treats it as UTC
  return null;
}

function parseIso(input: string): string | null {
  // Google once wrote a three-digit month ("2003-012-31").
  const s = input.replace(/^(\d{4})-0(\d{2})-/, "$1-$2-");
  const yymm = /^-(\d{2})-?(\d{2})$/.exec(s);
  if (yymm) return build(twoDigitYear(Number(yymm[1]), 2), Number(yymm[2]), 1);
  const yymmdd = /^(\d{2})(\d{2})(\d{2})$/.exec(s);
  if (yymmdd) return build(twoDigitYear(Number(yymmdd[1]), 2), Number(yymmdd[2]), Number(yymmdd[3]));
  const yyddd = /^(\d{2})-?(\d{3})$/.exec(s);
  if (yyddd) {
    const base = new Date(Date.UTC(twoDigitYear(Number(yyddd[1]), 2), 0, Number(yyddd[2])));
    return build(base.getUTCFullYear(), base.getUTCMonth() + 1, base.getUTCDate());
  }
  // Ordinal date: 2003-335
  const ord = /^(\d{4})-?(\d{3})(?:[Tt ](.*))?$/.exec(s);
  if (ord && !/^\d{4}-?\d{2}-?\d{2}$/.test(s)) {
    const day = Number(ord[2]);
    if (day >= 1 && day <= 366) {
      const base = new Date(Date.UTC(Number(ord[1]), 0, day));
      const t = ord[3] ? parseTimePart(ord[3]) : { h: 0, mi: 0, s: 0, ms: 0, off: 0 };
      if (!t) return null;
      return build(base.getUTCFullYear(), base.getUTCMonth() + 1, base.getUTCDate(), t.h, t.mi, t.s, t.ms, t.off);
    }
  }
  const m =
    /^(\d{4}|\d{2})(?:-?(\d{2})(?:-?(\d{2}))?)?(?:(?:[Tt]|\s+)(.*))?$/.exec(s) ??
    null;
  if (!m) return null;
  if (m[1]!.length === 2 && !m[2]) return null;
  // "2003-12" and "2003" are valid W3CDTF; "20031231" is compact ISO.
  const y = twoDigitYear(Number(m[1]), m[1]!.length);
  const mo = m[2] ? Number(m[2]) : 1;
  const d = m[3] ? Number(m[3]) : 1;
  if (m[4]) {
    const t = parseTimePart(m[4]);
    if (!t) return null;
    return build(y, mo, d, t.h, t.mi, t.s, t.ms, t.off);
  }
  return build(y, mo, d);
}

function parseTimePart(s: string): { h: number; mi: number; s: number; ms: number; off: number } | null {
  const m = /^(\d{2}):?(\d{2})?(?::?(\d{2})(?:[.,](\d+))?)?\s*(z|[+-]\d{2}(?::?\d{2})?|[a-z]{1,5})?$/i.exec(s.trim());
  if (!m) return null;
  const off = parseOffset(m[5]);
  if (off === null) return null;
  const frac = m[4] ? Number(`0.${m[4]}`) : 0;
  return { h: Number(m[1]), mi: Number(m[2] ?? 0), s: Number(m[3] ?? 0), ms: Math.round(frac * 1000), off };
}

function parseRfc822(input: string): string | null {
  let s = input.trim().replace(/\s+/g, " ");
  // Drop a leading day name (possibly misspelt or full), with or without comma.
  s = s.replace(/^[a-z]{2,}\.?,?\s+(?=\d)/i, "");
  const m =
    /^(\d{1,2})[\s-]+([a-z]{3,})\.?,?[\s-]+(\d{2,4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:\s*(.+))?)?$/i.exec(s);
  if (!m) return null;
  const mo = MONTHS[m[2]!.slice(0, 3).toLowerCase()];
  if (!mo) return null;
  const y = twoDigitYear(Number(m[3]), m[3]!.length);
  const off = parseOffset(m[7]);
  if (off === null) return null;
  return build(y, mo, Number(m[1]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), 0, off);
}

function parseAsctime(input: string): string | null {
  // Sun Jan  4 16:29:06 PST 2004 / Sun Jan 4 16:29:06 2004 / January 4, 2004 16:29 GMT
  const m =
    /^(?:[a-z]{2,},?\s+)?([a-z]{3,})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(?:(\d{1,2}):(\d{2})(?::(\d{2}))?\s+(?:([a-z]{1,5}|[+-]\d{2}:?\d{2})\s+)?(\d{4})|(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([a-z]{1,5}|[+-]\d{2}:?\d{2})?)?)$/i.exec(
      input.trim().replace(/\s+/g, " "),
    );
  if (!m) return null;
  const mo = MONTHS[m[1]!.slice(0, 3).toLowerCase()];
  if (!mo) return null;
  if (m[7]) {
    const off = parseOffset(m[6]);
    if (off === null) return null;
    return build(Number(m[7]), mo, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5] ?? 0), 0, off);
  }
  const off = parseOffset(m[12]);
  if (off === null) return null;
  return build(Number(m[8]), mo, Number(m[2]), Number(m[9] ?? 0), Number(m[10] ?? 0), Number(m[11] ?? 0), 0, off);
}

function parseSlashed(input: string): string | null {
  // Perforce: "Fri, 2006/09/15 08:19:53 EDT"; also "2004/01/01 12:00:00"
  const m = /^(?:[a-z]{2,},?\s+)?(\d{4})\/(\d{1,2})\/(\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(.*))?$/i.exec(input.trim());
  if (!m) return null;
  const off = parseOffset(m[7]);
  if (off === null) return null;
  return build(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), 0, off);
}

function parseSpacedIso(input: string): string | null {
  // "2004-07-08 23:56:58 -00:00", "2004-07-08 23:56:58.0", "2004-07-08T23:56:58 -0800"
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s+(.+)$/.exec(input.trim());
  if (!m) return null;
  const off = parseOffset(m[8]);
  if (off === null) return null;
  const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  return build(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), ms, off);
}

const GREEK_MONTHS: Record<string, string> = {
  "Ιαν": "Jan", "Φεβ": "Feb", "Μάώ": "Mar", "Μαώ": "Mar", "Μαρ": "Mar", "Απρ": "Apr", "Μάι": "May", "Μαϊ": "May",
  "Μαι": "May", "Ιούν": "Jun", "Ιον": "Jun", "Ιούλ": "Jul", "Ιολ": "Jul", "Αύγ": "Aug", "Αυγ": "Aug", "Σεπ": "Sep",
  "Οκτ": "Oct", "Νοέ": "Nov", "Νοε": "Nov", "Δεκ": "Dec",
};

function parseGreek(input: string): string | null {
  const m = /^[^\s,]+,\s+(\d{1,2})\s+([^\s]+)\s+(\d{4})\s+(\d{1,2}:\d{2}:\d{2})\s+(\S+)$/.exec(input.trim());
  const month = m ? GREEK_MONTHS[m[2]!] : undefined;
  return m && month ? parseRfc822(`${m[1]} ${month} ${m[3]} ${m[4]} ${m[5]}`) : null;
}

const HUNGARIAN_MONTHS: Record<string, number> = {
  "január": 1, "február": 2, "március": 3, "április": 4, "máujus": 5, "május": 5, "június": 6, "július": 7,
  "augusztus": 8, "szeptember": 9, "október": 10, "november": 11, "december": 12,
};

function parseHungarian(input: string): string | null {
  const m = /^(\d{4})-([^\d\W]+|[a-zá-ű]+)-(\d{1,2})T(\d{1,2}):(\d{2})((?:[+-])\d{2}:?\d{2})$/iu.exec(input.trim());
  const month = m ? HUNGARIAN_MONTHS[m[2]!.toLowerCase()] : undefined;
  if (!m || !month) return null;
  const off = parseOffset(m[6]);
  return off === null ? null : build(Number(m[1]), month, Number(m[3]), Number(m[4]), Number(m[5]), 0, 0, off);
}

const KST = 9 * 60;

function parseKorean(input: string): string | null {
  // OnBlog: "2004년 05월 28일  01:31:15"; Nate: "2004-05-25 오후 11:23:17" (오전 = a.m., 오후 = p.m.)
  const onblog = /^(\d{4})년\s*(\d{1,2})월\s*(\d{1,2})일\s+(\d{1,2}):(\d{2}):(\d{2})$/.exec(input.trim());
  if (onblog) {
    const [, y, mo, d, h, mi, sec] = onblog.map(Number) as number[];
    return build(y!, mo!, d!, h!, mi!, sec!, 0, KST);
  }
  const nate = /^(\d{4})-(\d{1,2})-(\d{1,2})\s+(오전|오후)\s+(\d{1,2}):(\d{2}):(\d{2})$/.exec(input.trim());
  if (nate) {
    let h = Number(nate[5]);
    if (nate[4] === "오후" && h < 12) h += 12;
    if (nate[4] === "오전" && h === 12) h = 0;
    return build(Number(nate[1]), Number(nate[2]), Number(nate[3]), h, Number(nate[6]), Number(nate[7]), 0, KST);
  }
  return null;
}

/** Parses a feed date into an ISO-8601 UTC string, or null when it cannot be read. */
export function parseFeedDate(value: string | null | undefined): string | null {
  if (!value) return null;
  const s = value.trim();
  if (!s) return null;
  return parseIso(s) ?? parseSpacedIso(s) ?? parseRfc822(s) ?? parseAsctime(s) ?? parseSlashed(s) ?? parseGreek(s) ?? parseHungarian(s) ?? parseKorean(s) ?? null;
}
