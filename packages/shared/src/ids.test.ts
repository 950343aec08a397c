import { describe, expect, it } from "vitest";
import { articleIdFor, articleJobId, canonicalUrl } from "./ids.js";

describe("canonical URL and article id", () => {
  it("folds the forms one article is linked by into one URL", () => {
    const forms = [
      "HTTPS://News.Example.com:443/a/story?b=2&a=1#comments",
      "https://news.example.com/a/story?a=1&b=2&utm_source=rss&utm_medium=feed",
      "https://news.example.com/a/story?fbclid=XYZ&a=1&b=2",
    ];
    expect(new Set(forms.map(canonicalUrl))).toEqual(new Set(["https://news.example.com/a/story?a=1&b=2"]));
    expect(new Set(forms.map(articleIdFor)).size).toBe(1);
  });

  it("keeps what identifies the article: path case, non-tracking parameters, non-default ports", () => {
    expect(canonicalUrl("http://example.com:8080/A/B?id=7")).toBe("http://example.com:8080/A/B?id=7");
    expect(articleIdFor("https://example.com/a?id=1")).not.toBe(articleIdFor("https://example.com/a?id=2"));
  });

  it("gives job ids BullMQ accepts (no colon, never all digits)", () => {
    const id = articleIdFor("https://example.com/1");
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(articleJobId(id)).toBe(`article-${id}`);
  });
});
