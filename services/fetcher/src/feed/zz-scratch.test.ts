import { test } from "vitest";
import { parseFeed } from "./parse-feed.js";
const cases: string[] = [
`<feed version="0.3" xmlns="http://purl.org/atom/ns#"><entry><content type="application/xhtml+xml" mode="xml"><div xmlns="http://www.w3.org/1999/xhtml">safe<script type="text/javascript">location.href='http:/'+'/example.com/';</script> description</div></content></entry></feed>`,
`<feed version="0.3" xmlns="http://purl.org/atom/ns#"><entry><content type="text/html" mode="escaped">safe&lt;style>b {color:red}&lt;/style> &lt;b>description&lt;/b></content></entry></feed>`,
`<feed version="0.3" xmlns="http://purl.org/atom/ns#"><entry><content type="text/html" mode="escaped"><![CDATA[safe<script type="text/javascript">location.href='http:/'+'/example.com/';</script> description]]></content></entry></feed>`,
`<rss version="2.0"><channel><item><xhtml:body xmlns:xhtml="http://www.w3.org/1999/xhtml">safe<xhtml:script>alert(1)</xhtml:script> <xhtml:b onclick="x">description</xhtml:b></xhtml:body></item></channel></rss>`,
`<rss version="2.0"><channel><item><description>&lt;a href="http://x/" onclick="y()"&gt;x&lt;/a&gt;&lt;iframe src="javascript:alert(1)"&gt;&lt;/iframe&gt;&lt;img src="x" onerror="alert(1)"/&gt;&lt;svg&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;/svg&gt;&lt;math&gt;&lt;mi xlink:href="javascript:alert(1)"&gt;x&lt;/mi&gt;&lt;/math&gt;&lt;a href="  jav&#x09;ascript:alert(1)"&gt;t&lt;/a&gt;&lt;form action="javascript:alert(1)"&gt;&lt;input type="submit"&gt;&lt;/form&gt;&lt;base href="javascript:alert(1)//"&gt;&lt;object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="&gt;&lt;/object&gt;&lt;div style="width: expression(alert(1))"&gt;e&lt;/div&gt;&lt;a href="vbscript:msgbox(1)"&gt;v&lt;/a&gt;</description></item></channel></rss>`,
`<rss version="2.0"><channel><item><description>plain &lt; text &amp; more</description><title>&lt;b&gt;Bold&lt;/b&gt; title</title></item></channel></rss>`,
];
test("scratch", () => {
  for (const c of cases) {
    try { const f = parseFeed(c, { url: "http://example.org/x/feed" }); console.log(JSON.stringify(f.items.map(i => [i.title, i.summary, i.content]))); } catch (e) { console.log("ERR", (e as Error).message); }
  }
});
import { sanitizeFeedHtml } from "./sanitize-html.js";
test("bare", () => {
  for (const h of ["a < b & c > d", "x <script alert(1)", "<<script>alert(1)</script>", "1 <2 and <b>b</b> &amp; &copy &#169; AT&T", "<a title='a < b & c'>t</a>", "< script>alert(1)< /script>"]) console.log(JSON.stringify(h), "=>", JSON.stringify(sanitizeFeedHtml(h)));
});
