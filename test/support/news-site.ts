/** Pages and feeds as a news site serves them, for the tests' local feed farms. */
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export interface FeedItem { title: string; link: string; description: string }

/** An article page with the usual chrome around the story (navigation, related links, footer). */
export function articlePage(title: string, text: string): string {
  const paragraphs = text.split(/\n\n+/).map((p) => `<p>${esc(p)}</p>`).join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)} | Example News</title>
<meta property="article:published_time" content="2017-09-18T08:00:00Z"></head><body>
<nav><a href="/">Home</a> <a href="/markets">Markets</a> <a href="/tech">Tech</a></nav>
<article><h1>${esc(title)}</h1>${paragraphs}</article>
<aside class="related"><h3>Related stories</h3><ul><li><a href="/x">Bitcoin price rallies</a></li></ul></aside>
<footer>© Example News. All rights reserved.</footer></body></html>`;
}

export function rss(items: FeedItem[]): string {
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Test wire</title><link>http://127.0.0.1/</link><description>t</description>
${items.map((i) => `<item><title>${esc(i.title)}</title><link>${esc(i.link)}</link><guid>${esc(i.link)}</guid><pubDate>Mon, 18 Sep 2017 08:00:00 GMT</pubDate><description>${esc(i.description)}</description></item>`).join("\n")}
</channel></rss>`;
}
