import { describe, expect, it } from "vitest";
import { extractArticle } from "./extract-article.js";

const lorem = (topic: string, n: number): string[] =>
  Array.from(
    { length: n },
    (_, i) =>
      `Paragraph ${i + 1} about ${topic}: regulators said on Monday that exchanges, brokers and wallet providers ` +
      `must register, keep customer records and report suspicious transfers, while lawmakers debated the details.`,
  );

function page(body: string, head = ""): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">${head}</head><body>${body}</body></html>`;
}

const siteChrome = {
  header: `<header class="site-header"><a href="/">Daily Ledger</a><nav><ul><li><a href="/markets">Markets</a></li>
    <li><a href="/policy">Policy</a></li><li><a href="/tech">Tech</a></li></ul></nav></header>`,
  cookie: `<div id="cookie-consent" class="cookie-banner"><p>We use cookies to improve your experience. By continuing
    to browse the site, you agree to our use of cookies.</p><button>Accept</button></div>`,
  footer: `<footer><p>© 2019 Daily Ledger Media. All rights reserved.</p><a href="/about">About</a>
    <a href="/privacy">Privacy</a></footer>`,
};

describe("extractArticle: body", () => {
  it("keeps the article and drops navigation, share bars, related stories and comments", () => {
    const paras = lorem("crypto rules", 5);
    const html = page(`
      ${siteChrome.header}${siteChrome.cookie}
      <main>
        <article class="story">
          <h1>China orders Beijing exchanges to stop trading</h1>
          <div class="share-bar"><a href="#">Share on Twitter</a> <a href="#">Share on Facebook</a></div>
          <div class="story-body">
            ${paras.map((p) => `<p>${p}</p>`).join("\n")}
            <figure><img src="a.jpg"><figcaption>Traders at an unrelated market in 2015.</figcaption></figure>
          </div>
          <div class="related-stories"><h3>Related</h3><ul>
            <li><a href="/a">Bitcoin price falls as fears grow over the regulation of exchanges</a></li>
            <li><a href="/b">Another exchange quits the market after the new rules were announced</a></li>
          </ul></div>
        </article>
        <section id="comments" class="comments"><h3>12 comments</h3>
          <div class="comment"><p>This is outrageous, the government cannot stop people from trading whatever they like!</p></div>
          <div class="comment"><p>Finally some sensible regulation, it was about time somebody acted on this mess.</p></div>
        </section>
      </main>
      <aside class="sidebar"><h3>Most read</h3><p>A long sidebar teaser about something else entirely, with commas, words, and more.</p></aside>
      ${siteChrome.footer}`);
    const { text } = extractArticle(html);
    expect(text).toBe(paras.join("\n\n"));
  });

  it("joins a body split across several containers by ads", () => {
    const paras = lorem("licensing", 6);
    const html = page(`${siteChrome.header}
      <div id="article">
        <div class="article-body">${paras.slice(0, 2).map((p) => `<p>${p}</p>`).join("")}</div>
        <div class="ad-slot"><span>Advertisement</span></div>
        <div class="article-body">${paras.slice(2, 4).map((p) => `<p>${p}</p>`).join("")}</div>
        <div class="newsletter-signup"><p>Sign up for our newsletter</p><input type="email"></div>
        <div class="article-body">${paras.slice(4).map((p) => `<p>${p}</p>`).join("")}</div>
      </div>${siteChrome.footer}`);
    expect(extractArticle(html).text).toBe(paras.join("\n\n"));
  });

  it("keeps list items inside the article as lines of one block", () => {
    const paras = lorem("exchange shutdowns", 3);
    const html = page(`<article><div class="entry-content">
        <p>${paras[0]}</p>
        <p>The order named three platforms:</p>
        <ul><li>OKCoin, which stopped new registrations</li><li>Huobi (火幣), which set a deadline</li><li>BTCChina, which closed first</li></ul>
        <p>${paras[1]}</p><p>${paras[2]}</p>
      </div></article>`);
    expect(extractArticle(html).text).toBe(
      [
        paras[0],
        "The order named three platforms:",
        "OKCoin, which stopped new registrations\nHuobi (火幣), which set a deadline\nBTCChina, which closed first",
        paras[1],
        paras[2],
      ].join("\n\n"),
    );
  });

  it("keeps nested list items as lines and sets Latin links apart inside CJK prose", () => {
    const paras = lorem("exchanges", 2);
    const html = page(`<article class="post"><p>${paras[0]}</p>
        <ul><li>Exchanges<ul><li>OKCoin</li><li>Huobi</li></ul></li><li>Platforms</li></ul>
        <p>北京的交易所<a href="/huobi">Huobi</a>宣布停止人民币交易业务，并停止新用户注册，监管部门表示将加强监测。</p>
        <p>${paras[1]}</p></article>`);
    expect(extractArticle(html).text).toBe(
      [paras[0], "Exchanges\nOKCoin\nHuobi\nPlatforms", "北京的交易所 Huobi 宣布停止人民币交易业务，并停止新用户注册，监管部门表示将加强监测。", paras[1]].join("\n\n"),
    );
  });

  it("splits text held in <br>-separated runs into paragraphs", () => {
    const paras = lorem("guidance", 3);
    const html = page(`<div id="content"><div class="post">${paras.join("<br><br>\n")}</div></div>`);
    expect(extractArticle(html).text).toBe(paras.join("\n\n"));
  });

  it("falls back to JSON-LD articleBody when the page renders its body with script", () => {
    const body = lorem("taxation", 4).join("\n\n");
    const ld = { "@context": "https://schema.org", "@type": "NewsArticle", headline: "Tax office targets crypto gains", articleBody: body };
    const html = page(
      `<div id="app"><h1>Tax office targets crypto gains</h1><p>Loading…</p></div><script>window.render()</script>`,
      `<script type="application/ld+json">${JSON.stringify(ld)}</script>`,
    );
    const out = extractArticle(html);
    expect(out.text).toBe(body);
    expect(out.title).toBe("Tax office targets crypto gains");
  });

  it("drops the repeated headline and the dateline at the top of the body", () => {
    const paras = lorem("sanctions", 3);
    const html = page(`<div class="post-content">
        <h2>Treasury sanctions mixer</h2><p>November 20, 2019 Jane Doe</p>
        ${paras.map((p) => `<p>${p}</p>`).join("")}</div>`,
      `<meta property="og:title" content="Treasury sanctions mixer">`);
    expect(extractArticle(html).text).toBe(paras.join("\n\n"));
  });

  it("drops in-body teasers linking to the site's other stories but keeps outbound links and credits", () => {
    const paras = lorem("enforcement", 4);
    const html = page(`<article><div class="article-text">
        <p>${paras[0]}</p>
        <p><strong>READ MORE:</strong> <a href="/news/123-exchange-boss-arrested-in-dawn-raid">Exchange boss arrested in dawn raid after probe</a></p>
        <p>${paras[1]}</p>
        <p><a href="https://www.sec.gov/litigation/complaints/2019/comp-pr2019-1.pdf">Read the full complaint</a></p>
        <p>${paras[2]}</p><p>Advertisement</p><p>${paras[3]}</p>
        <p>Reporting by Jane Doe; Editing by John Roe</p>
      </div></article>`);
    expect(extractArticle(html, { url: "https://www.dailyledger.com/news/124" }).text).toBe(
      [paras[0], paras[1], "Read the full complaint", paras[2], paras[3]].join("\n\n"),
    );
  });

  it("reads a JSON-LD articleBody that holds entity-escaped HTML", () => {
    const ld = {
      "@type": "BlogPosting",
      headline: "Review",
      articleBody: lorem("reviews", 3).map((p) => `&lt;p&gt;${p}&lt;/p&gt;`).join("") + "&lt;h2&gt;Verdict&lt;/h2&gt;&lt;p&gt;Buy it.&lt;/p&gt;",
    };
    const html = page(`<div id="root"></div>`, `<script type="application/ld+json">${JSON.stringify(ld)}</script>`);
    expect(extractArticle(html).text).toBe([...lorem("reviews", 3), "Verdict", "Buy it."].join("\n\n"));
  });

  it("survives pathologically deep nesting", () => {
    const para = lorem("depth", 1)[0]!;
    const html = page(`${"<div>".repeat(6000)}<p>${para}</p>`);
    expect(extractArticle(html).text).toBe(para);
  });

  it("reads an HTML fragment (feed content) as all body", () => {
    const paras = lorem("feeds", 2);
    const out = extractArticle(`<p>${paras[0]}</p>\n<p>${paras[1]}</p><p><a href="https://x.example/share">Share this</a></p>`);
    expect(out.text).toBe(paras.join("\n\n"));
    expect(out.lang).toBe("en");
  });

  it("returns an empty text for a page without content", () => {
    expect(extractArticle("<html><body></body></html>").text).toBe("");
    expect(extractArticle("").text).toBe("");
  });
});

describe("extractArticle: metadata", () => {
  const body = `<article><div class="article-body">${lorem("policy", 3).map((p) => `<p>${p}</p>`).join("")}</div></article>`;

  it("returns exactly contract 2's keys in order", () => {
    expect(Object.keys(extractArticle(page(body)))).toEqual(["title", "text", "published", "authors", "lang"]);
  });

  it("reads title, date and authors from meta tags, stripping the site suffix", () => {
    const out = extractArticle(
      page(
        body,
        `<title>Beijing exchanges told to halt trading | Daily Ledger</title>
         <meta property="og:site_name" content="Daily Ledger">
         <meta property="article:published_time" content="2017-09-15T08:30:00+08:00">
         <meta name="author" content="Jane Doe, John Roe">`,
      ),
    );
    expect(out.title).toBe("Beijing exchanges told to halt trading");
    expect(out.published).toBe("2017-09-15T00:30:00.000Z");
    expect(out.authors).toEqual(["Jane Doe", "John Roe"]);
  });

  it("reads headline, datePublished and author objects from JSON-LD @graph", () => {
    const ld = {
      "@context": "https://schema.org",
      "@graph": [
        { "@type": "WebSite", name: "Ledger" },
        {
          "@type": ["NewsArticle"],
          headline: "WeChat group admins made liable",
          datePublished: "2017-09-08T10:00:00Z",
          author: [{ "@type": "Person", name: "Li Wei" }, { "@type": "Person", name: "By Anna Smith" }],
        },
      ],
    };
    const out = extractArticle(page(body, `<script type="application/ld+json">${JSON.stringify(ld)}</script>`));
    expect(out.title).toBe("WeChat group admins made liable");
    expect(out.published).toBe("2017-09-08T10:00:00.000Z");
    expect(out.authors).toEqual(["Li Wei", "Anna Smith"]);
  });

  it("falls back to h1, <time datetime> and rel=author", () => {
    const html = page(`<article><h1>Telegram groups grow after crackdown</h1>
      <p class="byline">By <a rel="author" href="/staff/mei">Mei Chen</a> <time datetime="2017-09-20">Sep 20</time></p>
      <div class="article-body">${lorem("platforms", 3).map((p) => `<p>${p}</p>`).join("")}</div></article>`);
    const out = extractArticle(html);
    expect(out.title).toBe("Telegram groups grow after crackdown");
    expect(out.published).toBe("2017-09-20T00:00:00.000Z");
    expect(out.authors).toEqual(["Mei Chen"]);
    expect(out.text).not.toContain("Mei Chen");
  });

  it("takes the language from html lang, og:locale, or detects it from the text", () => {
    expect(extractArticle(page(body)).lang).toBe("en");
    const noLang = (head: string, b: string) => `<html><head>${head}</head><body>${b}</body></html>`;
    expect(extractArticle(noLang(`<meta property="og:locale" content="de_DE">`, body)).lang).toBe("de");
    const zh = `<div class="article-content">
      <p>中国人民银行等七部门联合发布公告，要求各类代币发行融资活动立即停止，已完成代币发行融资的组织和个人应当作出清退等安排。</p>
      <p>北京的比特币交易所，包括火币和OKCoin，随后宣布将停止人民币交易业务，并停止新用户注册。监管部门表示将加强监测。</p>
      <p>新规定还要求微信群管理员对群内信息承担管理责任，许多加密货币社群因此转移到了Telegram。</p></div>`;
    const out = extractArticle(noLang("<title>监管部门叫停代币发行融资</title>", zh));
    expect(out.lang).toBe("zh");
    expect(out.title).toBe("监管部门叫停代币发行融资");
    expect(out.text).toContain("火币");
    // a template's lang="en" does not make a Chinese article English
    expect(extractArticle(page(zh)).lang).toBe("zh");
  });
});
