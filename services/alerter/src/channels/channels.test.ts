import { describe, expect, test } from "vitest";
import type { AlertMessage } from "../alert-message.js";
import { renderEmail } from "./email.js";
import { unsubscribeToken, verifyUnsubscribeToken } from "../unsubscribe-link.js";
import { slackPayload } from "./slack.js";
import { telegramText } from "./telegram.js";
import { signWebhook, verifyWebhookSignature, webhookBody, webhookHeaders } from "./webhook.js";

const message: AlertMessage = {
  deliveryId: "instant-sub-1-abc", subscription: { id: "sub-1", name: "China <exchanges> & \"friends\"" }, kind: "instant", sentAt: "2026-01-01T00:00:00.000Z",
  articles: [{
    id: "a".repeat(32), title: "<script>alert(1)</script> Huobi halts", url: "https://news.example.com/a?x=1&y=2", publishedAt: "2017-09-18T08:00:00Z",
    jurisdictions: ["CN"], authorities: ["People's Bank of China"], actions: ["shutdown_order"], entities: [{ name: "Huobi", type: "exchange" }],
    score: 0.9, snippet: "Exchanges <b>must</b> stop & close",
  }],
};

describe("webhook signature (contract 6)", () => {
  const secret = "s3cret-key";
  const now = new Date("2026-01-01T00:00:00Z");
  const body = webhookBody(message);

  test("the body has exactly the contract's fields", () => {
    const parsed = JSON.parse(body);
    expect(Object.keys(parsed)).toEqual(["subscription", "articles", "sentAt"]);
    expect(Object.keys(parsed.subscription)).toEqual(["id", "name"]);
    expect(Object.keys(parsed.articles[0])).toEqual(["id", "title", "url", "publishedAt", "jurisdictions", "authorities", "actions", "entities", "score", "snippet"]);
  });

  test("headers carry the timestamp, the HMAC of '<timestamp>.<body>' and the delivery id", () => {
    const h = webhookHeaders(message, secret, body, now);
    expect(h["x-regradar-timestamp"]).toBe("1767225600");
    expect(h["x-regradar-delivery"]).toBe("instant-sub-1-abc");
    expect(h["x-regradar-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(secret, h["x-regradar-timestamp"]!, body, h["x-regradar-signature"]!, now)).toBe(true);
  });

  test("verification rejects a wrong secret, a changed body, a stale or future timestamp, garbage", () => {
    const ts = 1767225600;
    const sig = signWebhook(secret, ts, body);
    expect(verifyWebhookSignature("other", ts, body, sig, now)).toBe(false);
    expect(verifyWebhookSignature(secret, ts, `${body} `, sig, now)).toBe(false);
    expect(verifyWebhookSignature(secret, ts, body, sig, new Date((ts + 301) * 1000))).toBe(false);
    expect(verifyWebhookSignature(secret, ts, body, sig, new Date((ts - 301) * 1000))).toBe(false);
    expect(verifyWebhookSignature(secret, ts, body, sig, new Date((ts + 299) * 1000))).toBe(true);
    expect(verifyWebhookSignature(secret, ts, body, "sha256=00", now)).toBe(false);
    expect(verifyWebhookSignature(secret, "12abc", body, sig, now)).toBe(false);
  });
});

describe("rendering escapes every field", () => {
  test("email HTML escapes, text is plain, both link the unsubscribe URL", () => {
    const mail = renderEmail(message, "https://regradar.example.org/", "a-link-secret-of-some-length");
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; Huobi halts");
    expect(mail.html).toContain("China &lt;exchanges&gt; &amp; &quot;friends&quot;");
    expect(mail.html).toContain('href="https://news.example.com/a?x=1&amp;y=2"');
    expect(mail.html).toContain("Exchanges &lt;b&gt;must&lt;/b&gt; stop &amp; close");
    expect(mail.unsubscribeUrl).toBe(`https://regradar.example.org/unsubscribe/${unsubscribeToken("sub-1", "a-link-secret-of-some-length")}`);
    expect(verifyUnsubscribeToken(mail.unsubscribeUrl.split("/").pop()!, "a-link-secret-of-some-length")).toBe("sub-1");
    expect(verifyUnsubscribeToken("sub-1", "a-link-secret-of-some-length")).toBeNull();
    expect(verifyUnsubscribeToken(unsubscribeToken("sub-1", "another-secret-entirely"), "a-link-secret-of-some-length")).toBeNull();
    expect(mail.text).toContain("<script>alert(1)</script> Huobi halts");
    expect(mail.subject).toBe("[RegRadar] <script>alert(1)</script> Huobi halts");
  });

  test("telegram HTML and slack mrkdwn", () => {
    const t = telegramText(message);
    expect(t).not.toContain("<script>");
    expect(t).toContain('<a href="https://news.example.com/a?x=1&amp;y=2">&lt;script&gt;');
    const s = slackPayload(message);
    expect(JSON.stringify(s.blocks)).not.toContain("<script>");
    expect(s.text).toContain("&lt;script&gt;");
  });
});
