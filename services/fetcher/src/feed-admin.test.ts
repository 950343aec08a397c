import { describe, expect, test } from "vitest";
import { feedHealthOf } from "./feed-admin.js";
import { emptyFeedState } from "./feed-state.js";

const now = new Date("2024-05-01T12:00:00Z");

describe("feed health, as the status page groups feeds", () => {
  test("never polled, ok, failing since the last success, deferred by Retry-After or backoff", () => {
    expect(feedHealthOf(null, now)).toBe("unknown");
    expect(feedHealthOf(emptyFeedState(), now)).toBe("never_polled");
    const ok = { ...emptyFeedState(), lastSuccessAt: "2024-05-01T11:00:00.000Z" };
    expect(feedHealthOf(ok, now)).toBe("ok");
    expect(feedHealthOf({ ...ok, lastError: "HTTP 500", lastErrorAt: "2024-05-01T11:30:00.000Z" }, now)).toBe("failing");
    expect(feedHealthOf({ ...ok, lastError: "HTTP 500", lastErrorAt: "2024-05-01T10:00:00.000Z" }, now)).toBe("ok");
    expect(feedHealthOf({ ...ok, nextPollNotBefore: "2024-05-01T13:00:00.000Z" }, now)).toBe("deferred");
    expect(feedHealthOf({ ...ok, nextPollNotBefore: "2024-05-01T11:59:00.000Z" }, now)).toBe("ok");
  });
});
