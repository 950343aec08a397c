import { describe, expect, test } from "vitest";
import { lastWindowEnd, parseDigestEvery, zonedToUtc, type DigestSchedule } from "./digest-schedule.js";

const schedule = (every: string, tz?: string) => parseDigestEvery(every, tz) as DigestSchedule;

describe("digest windows", () => {
  test("intervals close on epoch-aligned boundaries", () => {
    expect(lastWindowEnd(schedule("15m"), new Date("2026-03-01T10:44:59Z")).toISOString()).toBe("2026-03-01T10:30:00.000Z");
    expect(lastWindowEnd(schedule("15m"), new Date("2026-03-01T10:45:00Z")).toISOString()).toBe("2026-03-01T10:45:00.000Z");
    expect(lastWindowEnd(schedule("1h"), new Date("2026-03-01T10:44:59Z")).toISOString()).toBe("2026-03-01T10:00:00.000Z");
  });

  test("daily@08:00 Europe/Berlin follows the zone's offset through DST", () => {
    const berlin = schedule("daily@08:00", "Europe/Berlin");
    // Winter: UTC+1.
    expect(lastWindowEnd(berlin, new Date("2026-01-15T07:30:00Z")).toISOString()).toBe("2026-01-15T07:00:00.000Z");
    expect(lastWindowEnd(berlin, new Date("2026-01-15T06:59:00Z")).toISOString()).toBe("2026-01-14T07:00:00.000Z");
    // Summer: UTC+2.
    expect(lastWindowEnd(berlin, new Date("2026-07-01T12:00:00Z")).toISOString()).toBe("2026-07-01T06:00:00.000Z");
    // The morning after the spring change (29 March 2026): yesterday was UTC+1, today UTC+2.
    expect(lastWindowEnd(berlin, new Date("2026-03-29T05:59:00Z")).toISOString()).toBe("2026-03-28T07:00:00.000Z");
    expect(lastWindowEnd(berlin, new Date("2026-03-29T06:00:00Z")).toISOString()).toBe("2026-03-29T06:00:00.000Z");
  });

  test("zonedToUtc across the date line", () => {
    expect(zonedToUtc(2026, 1, 1, 8, 0, "Pacific/Auckland").toISOString()).toBe("2025-12-31T19:00:00.000Z");
    expect(zonedToUtc(2026, 1, 1, 8, 0, "America/New_York").toISOString()).toBe("2026-01-01T13:00:00.000Z");
  });
});
