import { describe, expect, test } from "vitest";
import { SubscriptionValidationError, validateSubscription } from "./subscription.js";

const problemsOf = (input: unknown): string[] => {
  try {
    validateSubscription(input);
  } catch (err) {
    if (err instanceof SubscriptionValidationError) return err.problems;
    throw err;
  }
  return [];
};

describe("validateSubscription", () => {
  test("normalises a webhook subscription and gives it an id and a secret", () => {
    const sub = validateSubscription({ name: " China exchanges ", channel: "webhook", target: "https://hooks.example.com/in", jurisdictions: ["cn"], actions: ["shutdown_order"] });
    expect(sub).toMatchObject({ name: "China exchanges", mode: "instant", every: null, active: true, channel: "webhook" });
    expect(sub.id).toMatch(/^sub-[0-9a-f]{12}$/);
    expect(sub.secret).toBeTruthy();
    expect(sub.filters).toEqual({ jurisdictions: ["CN"], authorities: [], actions: ["shutdown_order"], entities: [], sources: [], languages: [], minScore: null });
  });

  test("lists every problem at once with the field it concerns", () => {
    const problems = problemsOf({ name: "", channel: "webhook", target: "x", actions: ["shutdown", "taxation"], jurisdictions: ["CHN"] });
    expect(problems.join("\n")).toMatch(/name: must not be empty/);
    expect(problems.join("\n")).toMatch(/actions\.0: must be one of ban, shutdown_order/);
    expect(problems.join("\n")).toMatch(/jurisdictions\.0: must be a 2-letter code/);
  });

  test("checks the target against the channel", () => {
    expect(problemsOf({ name: "a", channel: "webhook", target: "ftp://example.com/x" })).toEqual([expect.stringMatching(/http\(s\) URL/)]);
    expect(problemsOf({ name: "a", channel: "slack", target: "not a url" })).toEqual([expect.stringMatching(/http\(s\) URL/)]);
    expect(problemsOf({ name: "a", channel: "email", target: "someone@" })).toEqual([expect.stringMatching(/e-mail address/)]);
    expect(problemsOf({ name: "a", channel: "email", target: "ana@example.org" })).toEqual([]);
    expect(problemsOf({ name: "a", channel: "telegram", target: "-1001234567890" })).toEqual([]);
    expect(problemsOf({ name: "a", channel: "telegram", target: "@regradar_news" })).toEqual([]);
    expect(problemsOf({ name: "a", channel: "telegram", target: "https://t.me/x" })).toEqual([expect.stringMatching(/chat id/)]);
    expect(problemsOf({ name: "a", channel: "pigeon", target: "x" })).toEqual([expect.stringMatching(/channel: must be one of webhook, email, slack, telegram/)]);
    expect(problemsOf({ name: "a", channel: "email", target: "ana@example.org", secret: "abcdefghij" })).toEqual([expect.stringMatching(/only webhook/)]);
  });

  test("digest windows: durations and daily times in a time zone", () => {
    expect(validateSubscription({ name: "d", channel: "email", target: "a@b.co", mode: "digest", every: "15m" }).every).toBe("15m");
    expect(validateSubscription({ name: "d", channel: "email", target: "a@b.co", mode: "digest" }).every).toBe("1h");
    const daily = validateSubscription({ name: "d", channel: "email", target: "a@b.co", mode: "digest", every: "daily@8:00", timezone: "Europe/Berlin" });
    expect([daily.every, daily.timezone]).toEqual(["daily@08:00", "Europe/Berlin"]);
    expect(problemsOf({ name: "d", channel: "email", target: "a@b.co", mode: "digest", every: "daily@25:00" })).toEqual([expect.stringMatching(/every: expected/)]);
    expect(problemsOf({ name: "d", channel: "email", target: "a@b.co", mode: "digest", every: "daily@08:00", timezone: "Mars/Olympus" })).toEqual([expect.stringMatching(/IANA/)]);
    expect(problemsOf({ name: "d", channel: "email", target: "a@b.co", mode: "digest", every: "30s" })).toEqual([expect.stringMatching(/every: expected/)]);
    expect(problemsOf({ name: "d", channel: "email", target: "a@b.co", every: "1h" })).toEqual([expect.stringMatching(/only digest/)]);
  });
});
