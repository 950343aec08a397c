import { describe, expect, it } from "vitest";
import { hasDangerousMarkup, looksLikeHtml, sanitizeCss, sanitizeFeedHtml } from "./sanitize-html.js";

const DANGER = /<\s*(script|style|iframe|object|embed|applet|frame|frameset|meta|link|base|svg|math)\b|javascript:|vbscript:|data:|\son[a-z]+\s*=|expression\s*\(/i;

// A spread of classic XSS vectors (OWASP cheat-sheet style) as they arrive in feed HTML.
const vectors = [
  `<script>alert(1)</script>`,
  `<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>`,
  `<IMG SRC="javascript:alert('XSS');">`,
  `<IMG SRC=JaVaScRiPt:alert('XSS')>`,
  `<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>`,
  `<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>`,
  `<IMG SRC="jav&#x09;ascript:alert('XSS');">`,
  `<IMG SRC=" &#14;  javascript:alert('XSS');">`,
  `<a href="  javascript:alert(1)">x</a>`,
  `<a href="java\nscript:alert(1)">x</a>`,
  `<BODY ONLOAD=alert('XSS')>`,
  `<img src=x onerror=alert(1)//`,
  `<svg/onload=alert(1)>`,
  `<svg><script>alert(1)</script></svg>`,
  `<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>`,
  `<iframe src="javascript:alert(1)"></iframe>`,
  `<iframe srcdoc="<script>alert(1)</script>"></iframe>`,
  `<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>`,
  `<embed src="data:image/svg+xml;base64,PHN2Zz4=">`,
  `<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert('XSS');">`,
  `<LINK REL="stylesheet" HREF="javascript:alert('XSS');">`,
  `<STYLE>@import'http://xss.example/xss.css';</STYLE>`,
  `<DIV STYLE="background-image: url(javascript:alert('XSS'))">x</DIV>`,
  `<DIV STYLE="width: expression(alert('XSS'));">x</DIV>`,
  `<TABLE BACKGROUND="javascript:alert('XSS')"><tr><td>x</td></tr></TABLE>`,
  `<FORM ACTION="javascript:alert(1)"><INPUT TYPE="submit"></FORM>`,
  `<BASE HREF="javascript:alert('XSS');//">`,
  `<a href="vbscript:msgbox(1)">x</a>`,
  `<a href="data:text/html,<script>alert(1)</script>">x</a>`,
  `<img src="x" onmouseover="alert(1)" ONCLICK=alert(2)>`,
  `<<SCRIPT>alert("XSS");//<</SCRIPT>`,
  `<SCRIPT/XSS SRC="http://xss.example/xss.js"></SCRIPT>`,
  `<scr<script>ipt>alert(1)</scr</script>ipt>`,
  `<!--<script>alert(1)</script>-->`,
  `<![CDATA[<script>alert(1)</script>]]>`,
  `<video><source onerror="alert(1)"></video>`,
  `<details open ontoggle=alert(1)>`,
  `<applet code="evil.class"><param name="x" value="y"></applet>`,
  `<frameset><frame src="javascript:alert(1)"></frameset>`,
  `<xss style="behavior: url(xss.htc);">`,
];

describe("sanitizeFeedHtml", () => {
  it.each(vectors)("neutralises %s", (html) => {
    expect(sanitizeFeedHtml(`safe ${html} text`)).not.toMatch(DANGER);
  });

  it("keeps feedparser's safe elements and attributes", () => {
    expect(sanitizeFeedHtml(`<p class="x" id="y"><a href="http://e.com/" title="t" rel="nofollow">a</a><img src="http://e.com/i.png" alt="i" width="10"><br></p><table><tr><td colspan="2">c</td></tr></table>`)).toBe(
      `<p class="x" id="y"><a href="http://e.com/" title="t" rel="nofollow">a</a><img src="http://e.com/i.png" alt="i" width="10" /><br /></p><table><tr><td colspan="2">c</td></tr></table>`,
    );
  });

  it("drops the Blogger '$' attribute and unknown attributes", () => {
    expect(sanitizeFeedHtml(`<img border="0" i$="true" src="http://site.invalid/img.jpg" />`)).toBe(`<img border="0" src="http://site.invalid/img.jpg" />`);
  });

  it("resolves relative URIs against the base", () => {
    expect(sanitizeFeedHtml(`<a href="../b?x=1&amp;y=2">b</a><img src="/i.png"><q cite="c.html">q</q>`, "http://e.com/a/feed")).toBe(
      `<a href="http://e.com/b?x=1&amp;y=2">b</a><img src="http://e.com/i.png" /><q cite="http://e.com/a/c.html">q</q>`,
    );
  });

  it("copies text verbatim, entities included", () => {
    expect(sanitizeFeedHtml(`AT&T &amp; &#38; 1 <2 > 0`)).toBe(`AT&T &amp; &#38; 1 <2 > 0`);
  });
});

describe("sanitizeCss", () => {
  it("keeps allowed properties and drops the rest", () => {
    expect(sanitizeCss("color: red; position: absolute; font-weight: bold")).toBe("color: red; font-weight: bold;");
    expect(sanitizeCss("margin: 0 auto; padding: 1px 2px")).toBe("margin: 0 auto; padding: 1px 2px;");
    expect(sanitizeCss("width: expression(alert(1))")).toBe("");
    expect(sanitizeCss("background: url(javascript:alert(1))")).toBe("");
  });
});

describe("looksLikeHtml / hasDangerousMarkup", () => {
  it("follows feedparser's heuristic", () => {
    expect(looksLikeHtml("<b>bold</b>")).toBe(true);
    expect(looksLikeHtml("AT&amp;T")).toBe(true);
    expect(looksLikeHtml("a <news> story")).toBe(false);
    expect(looksLikeHtml("<blink>x</blink>")).toBe(false);
    expect(looksLikeHtml("&bogus; entity")).toBe(false);
  });

  it("spots markup that must not pass as plain text", () => {
    expect(hasDangerousMarkup("<script>x</script>")).toBe(true);
    expect(hasDangerousMarkup(`<a href="x" onclick="y">`)).toBe(true);
    expect(hasDangerousMarkup("1 < 2 and metadata: fine")).toBe(false);
  });
});
