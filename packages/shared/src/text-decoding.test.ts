import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { charsetFromContentType, decodeBody, mapC1ToWindows1252, normaliseCharset } from "./text-decoding.js";

const bytes = (s: string, enc: string) => new Uint8Array(iconv.encode(s, enc));
const zh = "中国人民银行 火幣 比特币";

describe("decodeBody (xml)", () => {
  it("decodes GB2312-declared bytes with the GB18030 superset", () => {
    // 火幣 uses a traditional character outside GB2312 proper; real feeds labelled gb2312 carry such text.
    const xml = `<?xml version="1.0" encoding="GB2312"?><rss><channel><title>${zh}</title></channel></rss>`;
    const out = decodeBody(bytes(xml, "gb18030"), { kind: "xml" });
    expect(out.encoding).toBe("gb18030");
    expect(out.text).toContain(zh);
    expect(out.text.startsWith(`<?xml version="1.0" encoding="utf-8"?>`)).toBe(true);
  });

  it("decodes Big5 from the HTTP charset over a wrong declaration", () => {
    const xml = `<?xml version="1.0" encoding="iso-8859-1"?><rss><channel><title>火幣網</title></channel></rss>`;
    const out = decodeBody(bytes(xml, "big5"), { kind: "xml", contentType: "text/xml; charset=big5" });
    expect(out).toMatchObject({ encoding: "big5" });
    expect(out.text).toContain("火幣網");
  });

  it("decodes EUC-KR and Shift_JIS", () => {
    expect(decodeBody(bytes(`<?xml version="1.0" encoding="euc-kr"?><a>비트코인</a>`, "euc-kr"), { kind: "xml" }).text).toContain("비트코인");
    expect(decodeBody(bytes(`<?xml version="1.0" encoding="Shift_JIS"?><a>仮想通貨</a>`, "shift_jis"), { kind: "xml" }).text).toContain("仮想通貨");
  });

  it("treats ISO-8859-1 as windows-1252, as WHATWG does", () => {
    const raw = new Uint8Array([...Buffer.from(`<?xml version="1.0" encoding="iso-8859-1"?><a>`), 0x93, 0x80, 0xa3, 0x94, ...Buffer.from("</a>")]);
    expect(decodeBody(raw, { kind: "xml" }).text).toContain("<a>“€£”</a>");
  });

  it("lets a BOM win over everything", () => {
    const utf8 = new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from(`<?xml version="1.0" encoding="big5"?><a>${zh}</a>`)]);
    expect(decodeBody(utf8, { kind: "xml", contentType: "text/xml; charset=big5" })).toMatchObject({ encoding: "utf-8" });
    const le = new Uint8Array([0xff, 0xfe, ...iconv.encode(`<a>${zh}</a>`, "utf-16le")]);
    expect(decodeBody(le, { kind: "xml" }).text).toBe(`<a>${zh}</a>`);
  });

  it("sniffs UTF-16 without a BOM from the XML declaration's byte pattern", () => {
    const be = bytes(`<?xml version="1.0" encoding="utf-16"?><a>${zh}</a>`, "utf-16be");
    expect(decodeBody(be, { kind: "xml" })).toMatchObject({ encoding: "utf-16be" });
  });

  it("falls back to UTF-8, then windows-1252 for invalid UTF-8, and never throws on unknown labels", () => {
    expect(decodeBody(Buffer.from(`<a>${zh}</a>`), { kind: "xml" })).toEqual({ text: `<a>${zh}</a>`, encoding: "utf-8" });
    expect(decodeBody(new Uint8Array([0x3c, 0x61, 0x3e, 0xe9, 0x3c, 0x2f, 0x61, 0x3e]), { kind: "xml" })).toEqual({
      text: "<a>é</a>", encoding: "windows-1252", charsetProblem: { kind: "undeclared", declared: null, replacements: 0 },
    });
    const unknown = decodeBody(Buffer.from(`<?xml version="1.0" encoding="x-klingon"?><a>ok ${zh}</a>`), { kind: "xml", contentType: "text/xml; charset=bogus" });
    expect(unknown.encoding).toBe("utf-8");
    expect(unknown.text).toContain(zh);
  });
});

describe("decodeBody: bytes that do not fit their label", () => {
  const news = "中国人民银行宣布对加密货币交易所进行监管，要求立即停止交易。".repeat(3);

  it("re-detects a GBK feed labelled UTF-8 by HTTP and says so", () => {
    const out = decodeBody(bytes(`<?xml version="1.0"?><a>${news}</a>`, "gb18030"), { kind: "xml", contentType: "text/xml; charset=utf-8" });
    expect(out.text).toContain(news);
    expect(out).toMatchObject({ encoding: "gb18030", charsetProblem: { kind: "redetected", declared: "utf-8" } });
  });

  it("keeps an authoritative UTF-8 label with a few bad bytes, replacing them and counting them", () => {
    const raw = Buffer.concat([Buffer.from(`<a>${news}`), Buffer.from([0xe4, 0xb8]), Buffer.from("</a>")]);
    const out = decodeBody(raw, { kind: "xml", contentType: "application/rss+xml; charset=utf-8" });
    expect(out.text).toBe(`<a>${news}\uFFFD</a>`);
    expect(out.charsetProblem).toEqual({ kind: "replaced", declared: "utf-8", replacements: 1 });
  });

  it("keeps mostly-English UTF-8 with one bad byte as UTF-8, but reads a lone windows-1252 quote as one", () => {
    const mixed = Buffer.concat([Buffer.from("<a>It’s here "), Buffer.from([0xe2, 0x80]), Buffer.from("</a>")]);
    expect(decodeBody(mixed, { kind: "xml", contentType: "text/xml; charset=utf-8" })).toMatchObject({
      text: "<a>It’s here \uFFFD</a>", charsetProblem: { kind: "replaced", replacements: 1 },
    });
    const cp1252 = Buffer.concat([Buffer.from("<a>It"), Buffer.from([0x92]), Buffer.from("s here</a>")]);
    expect(decodeBody(cp1252, { kind: "xml", contentType: "text/xml; charset=utf-8" })).toMatchObject({
      text: "<a>It’s here</a>", encoding: "windows-1252", charsetProblem: { kind: "redetected", declared: "utf-8" },
    });
  });

  it("flags UTF-8 bytes under a Latin-1 label without overriding the label", () => {
    const out = decodeBody(Buffer.from(`<?xml version="1.0" encoding="iso-8859-1"?><a>café</a>`), { kind: "xml" });
    expect(out.text).toContain("cafÃ©");
    expect(out.charsetProblem).toEqual({ kind: "suspect", declared: "windows-1252", replacements: 0 });
  });

  it("reports nothing for a correctly labelled body", () => {
    expect(decodeBody(bytes(`<?xml version="1.0" encoding="gbk"?><a>${news}</a>`, "gb18030"), { kind: "xml" }).charsetProblem).toBeUndefined();
  });
});

describe("decodeBody: labels iconv-lite spells differently", () => {
  it("reads Kazakh PT154 under its Python labels, and JIS X 0213 labels with the JIS X 0208 decoder", () => {
    const kz = "Қазақстан Ұлттық Банкі";
    for (const label of ["ptcp154", "cp154", "csptcp154", "cyrillic-asian"]) {
      expect(decodeBody(bytes(`<?xml version="1.0" encoding="${label}"?><a>${kz}</a>`, "pt154"), { kind: "xml" }).text).toContain(kz);
    }
    const ja = "仮想通貨取引所";
    expect(decodeBody(bytes(`<?xml version="1.0" encoding="shift_jis_2004"?><a>${ja}</a>`, "shift_jis"), { kind: "xml" }).text).toContain(ja);
    expect(decodeBody(bytes(`<?xml version="1.0" encoding="euc-jisx0213"?><a>${ja}</a>`, "euc-jp"), { kind: "xml" }).text).toContain(ja);
  });
});

describe("decodeBody (html)", () => {
  it("reads <meta charset> and http-equiv within the first 4 KiB", () => {
    expect(decodeBody(bytes(`<html><head><meta charset="gb2312"><title>${zh}</title>`, "gb18030"), { kind: "html" }).text).toContain(zh);
    const httpEquiv = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=big5"></head><body>火幣網</body></html>`;
    expect(decodeBody(bytes(httpEquiv, "big5"), { kind: "html" })).toMatchObject({ encoding: "big5" });
  });

  it("prefers the HTTP charset to the meta tag", () => {
    const html = `<meta charset="utf-8"><p>火幣網</p>`;
    expect(decodeBody(bytes(html, "big5"), { kind: "html", contentType: "text/html; charset=Big5" }).text).toContain("火幣網");
  });
});

describe("charset helpers", () => {
  it("parses and normalises labels", () => {
    expect(charsetFromContentType(`text/xml; charset="UTF-8"`)).toBe("UTF-8");
    expect(charsetFromContentType("text/xml")).toBeNull();
    expect(normaliseCharset("GB2312")).toBe("gb18030");
    expect(normaliseCharset("latin1")).toBe("windows-1252");
    expect(iconv.encodingExists(normaliseCharset("cp-1251")!)).toBe(true);
    expect(normaliseCharset("no-such-charset")).toBeNull();
    expect(mapC1ToWindows1252("don\u0092t\u0081")).toBe("don’t\u0081");
  });
});

describe("decodeBody: undeclared legacy encodings", () => {
  const doc = (s: string) => `<rss><channel><item><title>${s}</title></item></channel></rss>`;
  it.each([
    ["gb18030", "中国人民银行发布通知，要求各地停止虚拟货币交易平台的相关业务活动，防范金融风险。"],
    ["big5", "我希望這篇文章很容易被翻譯成中文，並有助於改善文件。感謝您閱讀本文。"],
    ["euc-kr", "EUC-KR 에서 TypeKey 한글닉네임 표시하기 시스템이 돌아가는데 거기서 한글로 된 닉네임을 정할 경우에"],
    ["shift_jis", "日本の金融庁は暗号資産の交換業者に対して業務改善命令を出しました。"],
    ["windows-1252", "Café crème – “quoted” déjà vu, naïve façade"],
  ])("recognises %s without a declaration", (enc, text) => {
    const out = decodeBody(bytes(doc(text), enc), { kind: "xml" });
    expect(out.text).toContain(text);
  });
});
