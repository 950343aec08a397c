import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { FeedParseError, parseFeed, parseFeedWithDiagnostics } from "./parse-feed.js";

const atom03 = (body: string) => `<feed version="0.3" xmlns="http://purl.org/atom/ns#">${body}</feed>`;
const atom10 = (body: string, attrs = "") => `<feed xmlns="http://www.w3.org/2005/Atom"${attrs}>${body}</feed>`;
const rss20 = (body: string, ns = "") => `<rss version="2.0"${ns}><channel>${body}</channel></rss>`;
const item = (xml: string) => parseFeed(xml).items[0]!;

describe("parseFeed: RSS 2.0", () => {
  it("reads channel fields and decodes entities in titles", () => {
    const f = parseFeed(
      rss20(`<title>AT&amp;T &lt;news&gt;</title><link>http://example.com/</link>
        <description>&lt;p&gt;Example description&lt;/p&gt;</description><language>en-us</language>
        <lastBuildDate>Thu, 01 Jan 2004 19:48:21 GMT</lastBuildDate>`),
    );
    expect(f).toEqual({
      title: "AT&T <news>",
      link: "http://example.com/",
      description: "<p>Example description</p>",
      language: "en-us",
      updated: "2004-01-01T19:48:21.000Z",
      items: [],
    });
  });

  it("keeps naked markup in a description", () => {
    expect(parseFeed(rss20(`<description><p>Example description</p></description>`)).description).toBe("<p>Example description</p>");
  });

  it("maps item fields, in the contract's key order", () => {
    const i = item(
      rss20(
        `<item><title>First</title><link>http://example.com/1</link><guid>http://example.com/g/1</guid>
          <description>Summary &amp;amp; more</description><content:encoded><![CDATA[<p>Full <b>text</b></p>]]></content:encoded>
          <pubDate>Thu, 01 Jan 2004 19:48:21 GMT</pubDate><dc:date>2004-01-02T00:00:00Z</dc:date>
          <author>me@example.com (Me)</author><dc:creator>Other</dc:creator>
          <category>Law</category><category>Law</category><dc:subject>Crypto</dc:subject>
          <enclosure url="http://example.com/a.mp3" type="audio/mpeg" length="1234"/></item>`,
        ` xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"`,
      ),
    );
    expect(Object.keys(i)).toEqual(["id", "title", "link", "summary", "content", "published", "updated", "authors", "categories", "enclosures"]);
    expect(i).toEqual({
      id: "http://example.com/g/1",
      title: "First",
      link: "http://example.com/1",
      summary: "Summary &amp; more",
      content: "<p>Full <b>text</b></p>",
      published: "2004-01-01T19:48:21.000Z",
      updated: "2004-01-02T00:00:00.000Z",
      authors: ["me@example.com (Me)", "Other"],
      categories: ["Law", "Crypto"],
      enclosures: [{ url: "http://example.com/a.mp3", type: "audio/mpeg", length: 1234 }],
    });
  });

  it("uses a permalink guid as the link, but not an isPermaLink=false one", () => {
    expect(item(rss20(`<item><guid>http://example.com/p</guid></item>`)).link).toBe("http://example.com/p");
    const i = item(rss20(`<item><guid isPermaLink="false">abc-123</guid></item>`));
    expect(i).toMatchObject({ id: "abc-123", link: null });
  });

  it("falls back from updated to published", () => {
    expect(item(rss20(`<item><pubDate>Sat, 07 Sep 2002 00:00:01 GMT</pubDate></item>`)).updated).toBe("2002-09-07T00:00:01.000Z");
  });

  it("resolves relative item and enclosure links against the feed URL", () => {
    const f = parseFeed(rss20(`<item><link>/a?x=1&amp;y=2</link><enclosure url="e.mp3" length="x"/></item>`), {
      url: "http://example.com/feeds/rss.xml",
    });
    expect(f.items[0]!.link).toBe("http://example.com/a?x=1&y=2");
    expect(f.items[0]!.enclosures).toEqual([{ url: "http://example.com/feeds/e.mp3", type: null, length: null }]);
  });

  it("keeps backslashes in an internal DTD entity", () => {
    const xml = `<!DOCTYPE rss [\n  <!ENTITY path "C:\\data\\1\\new">\n]>\n<rss version="2.0"><channel><item><guid isPermaLink='false'>&path;</guid></item></channel></rss>`;
    expect(item(xml).id).toBe("C:\\data\\1\\new");
  });

  it("reads the Netscape RSS 0.91 DOCTYPE feed", () => {
    const xml = `<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Netscape &eacute;dition&nbsp;1</title><item><title>One</title><link>http://example.com/1</link></item></channel></rss>`;
    const f = parseFeed(xml);
    expect(f.title).toBe("Netscape édition\u00a01");
    expect(f.items[0]!.link).toBe("http://example.com/1");
  });
});

describe("parseFeed: RSS 1.0 / 0.90 (RDF)", () => {
  it("reads items outside the channel and rdf:about ids", () => {
    const f = parseFeed(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="http://example.com/"><title>RDF feed</title><link>http://example.com/</link><description>d</description><dc:language>fr</dc:language><dc:date>2004-01-01T12:00:00+01:00</dc:date></channel>
  <item rdf:about="http://example.com/1"><title>One</title><link>http://example.com/1</link><dc:creator>Ann</dc:creator><dc:subject>s</dc:subject><dc:date>2004-01-02</dc:date></item>
</rdf:RDF>`);
    expect(f).toMatchObject({ title: "RDF feed", language: "fr", updated: "2004-01-01T11:00:00.000Z" });
    expect(f.items[0]).toMatchObject({ id: "http://example.com/1", title: "One", authors: ["Ann"], categories: ["s"], updated: "2004-01-02T00:00:00.000Z", published: null });
  });

  it("reads RSS 0.90", () => {
    const f = parseFeed(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>Old</title><link>http://example.com/</link></channel><item><title>I</title><link>http://example.com/i</link></item></rdf:RDF>`);
    expect(f.title).toBe("Old");
    expect(f.items.map((i) => i.link)).toEqual(["http://example.com/i"]);
  });
});

describe("parseFeed: Atom", () => {
  it("reads Atom 1.0 text constructs by type", () => {
    const f = parseFeed(
      atom10(`<title type="text">A &lt;b&gt; B</title><subtitle type="html">&lt;em&gt;sub&lt;/em&gt;</subtitle>
      <link rel="self" href="http://example.com/feed"/><link href="http://example.com/"/><updated>2005-11-09T11:56:34Z</updated>
      <entry><id>tag:example.com,2005:1</id><title type="html">&lt;b&gt;Bold&lt;/b&gt; &amp;amp; co</title>
        <link rel="enclosure" href="http://example.com/a.mp3" type="audio/mpeg" length="99"/><link rel="alternate" href="http://example.com/1"/>
        <summary>Plain summary</summary><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hi <b>there</b></p></div></content>
        <published>2005-11-09T00:00:00-08:00</published><updated>2005-11-10T00:00:00Z</updated>
        <author><name>Ann</name><email>ann@example.com</email></author><author><name>Bob</name></author>
        <category term="law" label="Law"/></entry>`),
    );
    expect(f).toMatchObject({ title: "A <b> B", description: "<em>sub</em>", link: "http://example.com/", updated: "2005-11-09T11:56:34.000Z" });
    expect(f.items[0]).toEqual({
      id: "tag:example.com,2005:1",
      title: "Bold & co",
      link: "http://example.com/1",
      summary: "Plain summary",
      content: "<p>Hi <b>there</b></p>",
      published: "2005-11-09T08:00:00.000Z",
      updated: "2005-11-10T00:00:00.000Z",
      authors: ["Ann (ann@example.com)", "Bob"],
      categories: ["law"],
      enclosures: [{ url: "http://example.com/a.mp3", type: "audio/mpeg", length: 99 }],
    });
  });

  it("keeps the summary separate from content that precedes it", () => {
    expect(item(atom10(`<entry><content>Example Atom</content><summary>Summary</summary></entry>`))).toMatchObject({ summary: "Summary", content: "Example Atom" });
  });

  it("prefers the alternate link even without a type, and reads hrefless Atom 0.3 links", () => {
    expect(item(atom10(`<entry><link rel="related" type="text/html" href="http://e.com/r"/><link rel="alternate" href="http://e.com/a"/></entry>`)).link).toBe("http://e.com/a");
    const f = parseFeed(atom03(`<entry><link rel="enclosure" type="text/html">http://e.com/enc</link><link rel="alternate" type="text/html">http://e.com/alt</link></entry>`));
    expect(f.items[0]!.link).toBe("http://e.com/alt");
  });

  it("does not normalise ids", () => {
    expect(item(atom10(`<entry><id>http://www.EXAMPLE.org/thing</id></entry>`)).id).toBe("http://www.EXAMPLE.org/thing");
  });

  it("reads Atom 0.3 escaped, base64 and inline xml content", () => {
    const b64 = Buffer.from("<p>Example <b>base64</b></p>").toString("base64");
    const f = parseFeed(
      atom03(`<modified>2003-12-13T18:30:02Z</modified><tagline>t</tagline><entry><issued>2003-12-13T08:29:29-04:00</issued>
      <summary type="text/html" mode="escaped">&lt;p&gt;esc&lt;/p&gt;</summary>
      <content type="text/html" mode="base64">${b64}</content></entry>
      <entry><content type="application/xhtml+xml" mode="xml"><div xmlns="http://www.w3.org/1999/xhtml"><b>&#x26;</b></div></content></entry>`),
    );
    expect(f).toMatchObject({ updated: "2003-12-13T18:30:02.000Z", description: "t" });
    expect(f.items[0]).toMatchObject({ summary: "<p>esc</p>", content: "<p>Example <b>base64</b></p>", published: "2003-12-13T12:29:29.000Z" });
    expect(f.items[1]!.content).toBe("<div><b>&amp;</b></div>");
  });

  it("accepts Atom documents in unknown or missing namespaces", () => {
    expect(parseFeed(`<feed version="0.3" xmlns="http://purl.org/pie/"><title>Example Atom</title></feed>`).title).toBe("Example Atom");
    expect(parseFeed(`<feed><title>No ns</title></feed>`).title).toBe("No ns");
  });

  it("ignores the entry's source element", () => {
    const i = item(atom10(`<entry><title>Mine</title><source><title>Theirs</title><author><name>X</name></author><link href="http://src/"/></source></entry>`));
    expect(i).toMatchObject({ title: "Mine", authors: [], link: null });
  });

  it("takes the feed language from xml:lang", () => {
    expect(parseFeed(atom10(`<title>t</title>`, ` xml:lang="de-DE"`)).language).toBe("de-DE");
  });
});

describe("parseFeed: xml:base and relative links", () => {
  it("resolves nested xml:base per element, then the feed URL", () => {
    const f = parseFeed(
      `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://example.com/parent/">
        <link href="index.html"/>
        <entry xml:base="child/"><link href="e.html"/><id>/relative/id</id>
          <summary type="xhtml" xml:base="http://example.com/info/"><div xmlns="http://www.w3.org/1999/xhtml">blah</div></summary>
          <content type="html" xml:base="http://example.com/test/">&lt;a href="test.html"&gt;t&lt;/a&gt; &lt;img src="/i.png"&gt;</content></entry></feed>`,
      { url: "http://ignored.example/feed" },
    );
    expect(f.link).toBe("http://example.com/parent/index.html");
    expect(f.items[0]).toMatchObject({
      link: "http://example.com/parent/child/e.html",
      id: "http://example.com/relative/id",
      content: '<a href="http://example.com/test/test.html">t</a> <img src="http://example.com/i.png" />',
    });
  });

  it("resolves against the document URL when there is no xml:base", () => {
    const f = parseFeed(atom03(`<entry><id>/relative/link</id><title type="text/html" mode="escaped">&lt;a href="/relative/uri"&gt;click here&lt;/a&gt;</title>
      <content type="text/html" mode="escaped">&lt;div&gt;&lt;a href="/relative/uri"&gt;click here&lt;/a&gt;&lt;/div&gt;</content></entry>`), {
      url: "http://127.0.0.1:8097/base/http_entry_id_base_docuri.xml",
    });
    expect(f.items[0]).toMatchObject({
      id: "http://127.0.0.1:8097/relative/link",
      title: "click here",
      content: '<div><a href="http://127.0.0.1:8097/relative/uri">click here</a></div>',
    });
  });

  it("resolves CDF hrefs", () => {
    const f = parseFeed(`<CHANNEL HREF="http://example.com/" LASTMOD="2004-01-01T12:00:00Z"><TITLE>CDF</TITLE><ABSTRACT>About</ABSTRACT>
      <ITEM HREF="http://example.com/i" LASTMOD="2004-01-02T12:00"><TITLE>I</TITLE><ABSTRACT>Item about</ABSTRACT></ITEM></CHANNEL>`);
    expect(f).toMatchObject({ title: "CDF", link: "http://example.com/", description: "About", updated: "2004-01-01T12:00:00.000Z" });
    expect(f.items[0]).toMatchObject({ title: "I", link: "http://example.com/i", summary: "Item about", updated: "2004-01-02T12:00:00.000Z" });
  });
});

describe("parseFeed: sanitisation", () => {
  const content = (html: string) => item(atom03(`<entry><content type="text/html" mode="escaped">${html}</content></entry>`)).content;
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

  it.each([
    ["script", `safe<script type="text/javascript">location.href='http:/'+'/example.com/';</script> description`],
    ["script with cdata", `safe<script><![CDATA[alert(1)]]></script> description`],
    ["applet", `safe<applet code="foo.class" codebase="http://example.com/"></applet> description`],
    ["style tag", `safe<style>body{display:none}</style> description`],
  ])("drops %s with its content", (_n, html) => {
    expect(content(esc(html))).toBe("safe description");
  });

  it.each([
    ["iframe", `safe<iframe src="http://example.com/"> <b>description</b></iframe>`],
    ["object", `safe<object classid="clsid:C932BA85-4374-101B-A56C-00AA003668DC"> <b>description</b>`],
    ["embed", `safe<embed src="http://example.com/"> <b>description</b>`],
    ["frame", `safe<frameset rows="*"><frame src="http://example.com/"></frameset> <b>description</b>`],
    ["meta", `safe<meta http-equiv="Refresh" content="0; URL=http://example.com/"> <b>description</b>`],
    ["link", `safe<link rel="stylesheet" type="text/css" href="http://example.com/evil.css"> <b>description</b>`],
  ])("unwraps %s", (_n, html) => {
    expect(content(esc(html))).toBe("safe <b>description</b>");
  });

  it.each(["onabort", "onblur", "onchange", "onclick", "ondblclick", "onerror", "onfocus", "onkeydown", "onload", "onmouseover", "onsubmit", "onunload"])(
    "removes the %s handler",
    (attr) => {
      expect(content(esc(`<img src="http://www.ragingplatypus.com/i/cam-full.jpg" ${attr}="alert(1)" />`))).toBe(
        '<img src="http://www.ragingplatypus.com/i/cam-full.jpg" />',
      );
    },
  );

  it("filters inline CSS the way feedparser does", () => {
    const html = `<a href="http://www.ragingplatypus.com/" style="display:block; position:absolute; left:0; top:0; width:100%; height:100%; z-index:1; background-color:black; background-image:url(http://www.ragingplatypus.com/i/cam-full.jpg); background-x:center; background-y:center; background-repeat:repeat;">never trust your upstream platypus</a>`;
    expect(content(esc(html))).toBe(
      '<a href="http://www.ragingplatypus.com/" style="display: block; width: 100%; height: 100%; background-color: black; background-x: center; background-y: center;">never trust your upstream platypus</a>',
    );
  });

  it("removes javascript: and data: URLs, even entity-encoded", () => {
    const out = content(esc(`<a href="javascript:alert(1)">a</a><a href="&#106;avascript:alert(1)">b</a><img src="data:image/png;base64,AAAA"><a href="JaVaScRiPt:x">c</a>`))!;
    expect(out).not.toMatch(/javascript|data:/i);
    expect(out).toContain(">a</a>");
  });

  it("never lets script through in titles, summaries or the feed description", () => {
    const f = parseFeed(
      rss20(`<title>&lt;script&gt;alert(1)&lt;/script&gt;Title</title><description>&lt;script&gt;alert(1)&lt;/script&gt;&lt;b onclick="x()"&gt;d&lt;/b&gt;</description>
      <item><title>&lt;img src=x onerror=alert(1)&gt;T</title><description><![CDATA[<svg onload=alert(1)><p>ok</p>]]></description></item>`),
    );
    expect(f.title).toBe("Title");
    expect(f.description).toBe("<b>d</b>");
    expect(f.items[0]!.title).toBe("T");
    expect(f.items[0]!.summary).toBe("<p>ok</p>");
    expect(JSON.stringify(f)).not.toMatch(/<script|onerror|onload|onclick/i);
  });
});

describe("parseFeed: encodings", () => {
  const zh = "火幣暫停交易";
  it("decodes GB2312 bytes declared in the XML declaration (as GBK/GB18030)", () => {
    const xml = `<?xml version="1.0" encoding="gb2312"?><rss version="2.0"><channel><title>${zh}</title><item><title>${zh}</title></item></channel></rss>`;
    const bytes = iconv.encode(xml, "gbk");
    const f = parseFeed(new Uint8Array(bytes));
    expect(f.title).toBe(zh);
    expect(f.items[0]!.title).toBe(zh);
  });

  it("decodes Big5 from the HTTP charset, which overrides the declaration", () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>${zh}</title></channel></rss>`;
    const f = parseFeed(new Uint8Array(iconv.encode(xml, "big5")), { contentType: "application/rss+xml; charset=Big5" });
    expect(f.title).toBe(zh);
  });

  it("decodes EUC-KR and windows-1252", () => {
    const ko = "비트코인 거래소";
    expect(parseFeed(new Uint8Array(iconv.encode(`<?xml version="1.0" encoding="euc-kr"?><rss><channel><title>${ko}</title></channel></rss>`, "euc-kr"))).title).toBe(ko);
    const w = "“Smart” quotes — €";
    expect(parseFeed(new Uint8Array(iconv.encode(`<?xml version="1.0" encoding="windows-1252"?><rss><channel><title>${w}</title></channel></rss>`, "win1252"))).title).toBe(w);
  });

  it("honours a UTF-16 byte order mark", () => {
    const xml = `<?xml version="1.0" encoding="utf-16"?><feed xmlns="http://www.w3.org/2005/Atom"><title>${zh}</title></feed>`;
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(xml, "utf-16le")]);
    expect(parseFeed(new Uint8Array(bytes)).title).toBe(zh);
  });

  it("maps windows-1252 numeric references (&#150;) like a browser", () => {
    expect(parseFeed(rss20(`<title>a&#150;b &#8220;c&#8221;</title>`)).title).toBe("a–b “c”");
  });
});

describe("parseFeed: hostile and broken input", () => {
  const reason = (input: string) => {
    try {
      parseFeed(input);
    } catch (err) {
      expect(err).toBeInstanceOf(FeedParseError);
      return (err as FeedParseError).reason;
    }
    return "parsed";
  };

  it("refuses a billion-laughs bomb quickly", () => {
    const decls = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++) decls.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? "" : i - 1};`.repeat(10)}">`);
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [${decls.join("")}]><rss><channel><title>&lol9;</title></channel></rss>`;
    const started = Date.now();
    expect(reason(bomb)).toBe("entity_expansion");
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("refuses recursive entities and external entities", () => {
    expect(reason(`<!DOCTYPE r [<!ENTITY a "&b;"><!ENTITY b "&a;">]><rss><channel><title>&a;</title></channel></rss>`)).toBe("entity_expansion");
    expect(reason(`<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss><channel><title>&xxe;</title></channel></rss>`)).toBe("external_entity");
    expect(reason(`<!DOCTYPE r [<!ENTITY % p SYSTEM "http://evil.example/x.dtd"> %p;]><rss><channel><title>x</title></channel></rss>`)).toBe("external_entity");
  });

  it("expands small, harmless internal entities", () => {
    expect(parseFeed(`<!DOCTYPE rss [<!ENTITY co "Example Co">]><rss><channel><title>&co; news</title></channel></rss>`).title).toBe("Example Co news");
  });

  it("says what is not a feed", () => {
    expect(reason(`<html><body>hello</body></html>`)).toBe("not_a_feed");
    expect(reason(`just text, no markup`)).toBe("invalid_xml");
    expect(reason(``)).toBe("invalid_xml");
  });

  it("recovers from ill-formed feeds", () => {
    expect(item(`<rss version="2.0">\n  <channel>\n    <item>\n      <link>http://link/get?a=1&amp;b=2</link>\n    </item>\n  </channel>\n</rss\n`).link).toBe("http://link/get?a=1&b=2");
    const f = parseFeed(`<rss><channel><title>Tom & Jerry&nbsp;&copy;</title><item><title>Unclosed<item><title>Second</title></item></channel>`);
    expect(f.title).toBe("Tom & Jerry\u00a0©");
    expect(f.items.length).toBeGreaterThanOrEqual(1);
    const doctype = `<?xml version="1.0" encoding="utf-8"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://site.invalid/">\n<rss>\n<channel>\n<title>found</title>\n</channel>\n</rss>\n`;
    expect(parseFeed(doctype).title).toBe("found");
  });

  it("does not hang on deep nesting", () => {
    const deep = `<rss><channel><title>x</title><item><description>${"<div>".repeat(5000)}</description></item></channel></rss>`;
    const started = Date.now();
    try {
      parseFeed(deep);
    } catch (err) {
      expect(err).toBeInstanceOf(FeedParseError);
    }
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("parseFeed: entity limits", () => {
  it("refuses long entity chains and quadratic blow-up", () => {
    const chain = Array.from({ length: 1500 }, (_, i) => `<!ENTITY e${i} "${i === 0 ? "x" : `&e${i - 1};`}">`).join("");
    expect(() => parseFeed(`<!DOCTYPE r [${chain}]><rss><channel><title>&e1499;</title></channel></rss>`)).toThrow(FeedParseError);
    const big = "x".repeat(90_000);
    const quadratic = `<!DOCTYPE r [<!ENTITY a "${big}">]><rss><channel><title>${"&a;".repeat(50)}</title></channel></rss>`;
    expect(() => parseFeed(quadratic)).toThrowError(expect.objectContaining({ reason: "entity_expansion" }));
  });

  it("does not count ordinary character references against the limits", () => {
    const body = "&lt;b&gt;x&lt;/b&gt; &#169; ".repeat(5_000); // 25,000 references
    expect(parseFeed(`<rss><channel><title>t</title><item><description>${body}</description></item></channel></rss>`).items).toHaveLength(1);
  });
});

describe("parseFeed: feedparser mapping details", () => {
  it("copies text or HTML content into a missing summary", () => {
    const rss = item(rss20(`<item><content:encoded>&lt;p&gt;Full&lt;/p&gt;</content:encoded></item>`, ` xmlns:content="http://purl.org/rss/1.0/modules/content/"`));
    expect(rss).toMatchObject({ summary: "<p>Full</p>", content: "<p>Full</p>" });
    expect(item(atom10(`<entry><content type="image/png">iVBORw0KGgo=</content></entry>`)).summary).toBeNull();
  });

  it("turns a second RSS description into content", () => {
    expect(item(rss20(`<item><description>one</description><description>two</description></item>`))).toMatchObject({ summary: "one", content: "two" });
  });

  it("reads the RSS core element despite same-named extension elements", () => {
    const f = parseFeed(`<rss version="2.0" xmlns:szf="http://schemas.pocketsoap.com/rss/myDescModule/" xmlns:l="http://purl.org/rss/1.0/modules/link/" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><channel><item>
      <l:link rdf:resource="http://wrong/"/><szf:description>wrong</szf:description><description>correct description</description><szf:description>wrong</szf:description><link>http://right/</link></item></channel></rss>`);
    expect(f.items[0]).toMatchObject({ summary: "correct description", link: "http://right/" });
  });

  it("treats element names case-insensitively and honours prefixed RSS 1.0 elements", () => {
    expect(parseFeed(`<rss><channel><TiTlE>Example title</TiTlE></channel></rss>`).title).toBe("Example title");
    const f = parseFeed(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rss="http://purl.org/rss/1.0/"><rss:channel><rss:title>T</rss:title></rss:channel><rss:item rdf:about="http://e.com/1"><rss:description>d</rss:description></rss:item></rdf:RDF>`);
    expect(f.title).toBe("T");
    expect(f.items[0]).toMatchObject({ id: "http://e.com/1", summary: "d" });
  });

  it("reads iTunes categories (nested) and keywords as categories, and iTunes summaries", () => {
    const i = item(`<rss xmlns:itunes="http://www.itunes.com/DTDs/Podcast-1.0.dtd"><channel><item><itunes:category text="Technology"><itunes:category text="Gadgets"/></itunes:category>
      <itunes:keywords>crypto, regulation</itunes:keywords><itunes:summary>Example summary</itunes:summary><itunes:author>Host</itunes:author></item></channel></rss>`);
    expect(i).toMatchObject({ categories: ["Technology", "Gadgets", "crypto", "regulation"], summary: "Example summary", authors: ["Host"] });
  });

  it("keeps empty elements as empty strings", () => {
    const f = parseFeed(`<rss version="2.0"><channel><description/><link>http://example.com/</link></channel></rss>`);
    expect(f).toMatchObject({ description: "", link: "http://example.com/" });
  });

  it("lets the last date element win, as feedparser does", () => {
    const f = parseFeed(rss20(`<dc:date>2002-09-28T21:00:02Z</dc:date><lastBuildDate>Sat, 28 Sep 2002 21:00:02 GMT</lastBuildDate><dcterms:modified>2002-09-28T20:01:19Z</dcterms:modified>`,
      ` xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"`));
    expect(f.updated).toBe("2002-09-28T20:01:19.000Z");
  });

  it("reads <item> entries in an Atom feed and an underscore xml:lang", () => {
    const f = parseFeed(`<feed version="0.3" xmlns="http://purl.org/atom/ns#" xml:lang="en_US"><item><title>x</title></item></feed>`);
    expect(f.language).toBe("en-US");
    expect(f.items).toHaveLength(1);
  });

  it("decodes every HTML 4 entity in text, with HTML 4 values", () => {
    expect(parseFeed(`<rss><channel><title>testing &lang;&rang; &aacute; &#x1d54f; &doesnotexist; entity</title></channel></rss>`).title).toBe(
      "testing \u2329\u232a á 𝕏 &doesnotexist; entity",
    );
  });

  it("maps windows-1252 C1 characters and falls back from bad UTF-8", () => {
    expect(parseFeed(rss20(`<item><description>don\u0092t</description></item>`)).items[0]!.summary).toBe("don’t");
    const bytes = new Uint8Array([...Buffer.from(`<?xml version="1.0" encoding="utf-8"?><rss><channel><title>caf`), 0xe9, ...Buffer.from(`</title></channel></rss>`)]);
    expect(parseFeed(bytes).title).toBe("café");
  });

  it("decodes EBCDIC feeds", () => {
    const cp037 = (s: string) => new Uint8Array([...s].map((ch) => CP037_ENCODE.get(ch)!));
    expect(parseFeed(cp037(`<?xml version="1.0" encoding="cp037"?><rss><channel><title>EBCDIC feed</title></channel></rss>`)).title).toBe("EBCDIC feed");
  });
});

// Inverse of cp037 for the ASCII characters the EBCDIC fixture uses.
const CP037_ENCODE = new Map<string, number>(
  Object.entries({
    " ": 0x40, "<": 0x4c, "?": 0x6f, ">": 0x6e, "=": 0x7e, '"': 0x7f, "/": 0x61, ".": 0x4b, "0": 0xf0, "1": 0xf1, "3": 0xf3, "7": 0xf7,
    a: 0x81, b: 0x82, c: 0x83, d: 0x84, e: 0x85, f: 0x86, g: 0x87, h: 0x88, i: 0x89, l: 0x93, m: 0x94, n: 0x95, o: 0x96, p: 0x97,
    r: 0x99, s: 0xa2, t: 0xa3, v: 0xa5, x: 0xa7, B: 0xc2, C: 0xc3, D: 0xc4, E: 0xc5, I: 0xc9,
  }),
);

describe("parseFeed: markup in plain-text fields", () => {
  it("strips live markup from authors, categories and ids", () => {
    const i = item(atom10(`<entry><id>&lt;script&gt;alert(1)&lt;/script&gt;urn:x</id><author><name>Erika &lt;script&gt;alert(1)&lt;/script&gt; Mustermann</name></author>
      <category term="&lt;img src=x onerror=alert(1)&gt;law"/><title type="text">&lt;script&gt;alert('xyzzy')&lt;/script&gt;Plain</title></entry>`));
    expect(i).toMatchObject({ id: "urn:x", authors: ["Erika Mustermann"], categories: ["law"], title: "Plain" });
    expect(JSON.stringify(i)).not.toMatch(/<script|onerror/i);
  });
});

describe("parseFeed: Atom base64 media content", () => {
  it("decodes base64 content of a non-text media type", () => {
    const i = item(atom10(`<entry><content type="application/octet-stream">RXhhbXBsZSA8Yj5BdG9tPC9iPg==</content></entry>`));
    expect(i.content).toBe("Example <b>Atom</b>");
  });
});

describe("parseFeedWithDiagnostics", () => {
  const diag = (xml: string | Uint8Array, opts = {}) => parseFeedWithDiagnostics(typeof xml === "string" ? new Uint8Array(Buffer.from(xml)) : xml, opts).diagnostics;

  it("reports nothing for a well-formed UTF-8 feed, and returns exactly what parseFeed returns", () => {
    const xml = rss20(`<item><title>A</title><link>http://example.com/a</link></item>`);
    expect(parseFeedWithDiagnostics(xml).feed).toEqual(parseFeed(xml));
    expect(diag(xml)).toEqual({
      encoding: "utf-8", charset: null, repairs: [], unsafeLinkItems: [], truncated: { title: 0, summary: 0, content: 0, items: 0 },
    });
  });

  it("names each repair the lenient reader made", () => {
    expect(diag(rss20(`<item><title>A</title>`).slice(0, -20)).repairs).toContain("unclosed_elements");
    expect(diag(rss20(`<item><title>A</b></title></item>`)).repairs).toEqual(["stray_end_tag"]);
    expect(diag(rss20(`<item><title>A<b>b</title></item>`)).repairs).toEqual(["mismatched_end_tag"]);
    expect(diag(rss20(`<title>A &nbsp; B & C</title>`)).repairs.sort()).toEqual(["bare_ampersand", "undeclared_entity"]);
    expect(diag(`${rss20("")}<rss/>`).repairs).toEqual(["content_after_root"]);
  });

  it("lists items whose only link was a script or data URL", () => {
    const xml = atom10(`<entry><link href="javascript:alert(1)"/></entry><entry><link href="http://example.com/ok"/></entry><entry><id>x</id></entry>`);
    expect(diag(xml).unsafeLinkItems).toEqual([0]);
  });

  it("cuts fields and items to the caps only when asked, counting each cut", () => {
    const xml = rss20(`<item><title>${"t".repeat(50)}</title><description>&lt;p&gt;${"s".repeat(50)}&lt;/p&gt;</description></item><item/><item/>`);
    expect(parseFeed(xml).items[0]!.title).toHaveLength(50);
    const { feed, diagnostics } = parseFeedWithDiagnostics(xml, { caps: { titleChars: 10, summaryChars: 20, contentChars: 100, items: 2 } });
    expect(feed.items).toHaveLength(2);
    expect(feed.items[0]!.title).toBe("t".repeat(10));
    // Cut HTML is re-sanitised: the open <p> is closed, not left dangling.
    expect(feed.items[0]!.summary).toBe(`<p>${"s".repeat(17)}</p>`);
    expect(diagnostics.truncated).toEqual({ title: 1, summary: 1, content: 0, items: 1 });
  });
});
