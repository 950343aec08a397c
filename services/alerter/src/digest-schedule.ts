/**
 * When digest windows close. Two kinds: a fixed interval ("15m", "1h", "1d"), with windows
 * aligned to the Unix epoch so that every alerter process agrees on them, and a daily local
 * time in an IANA time zone ("daily@08:00" + "Europe/Berlin"), DST included.
 */
export type DigestSchedule =
  | { kind: "interval"; ms: number; spec: string }
  | { kind: "daily"; hour: number; minute: number; timeZone: string; spec: string };

const MIN_INTERVAL_MS = 60_000;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Parses `--every`; returns an error message instead of throwing so validation can list it. */
export function parseDigestEvery(every: string, timeZone = "UTC"): DigestSchedule | string {
  const spec = every.trim().toLowerCase();
  const interval = /^(\d+)\s*([mhd])$/.exec(spec);
  if (interval) {
    const ms = Number(interval[1]) * UNIT_MS[interval[2] as keyof typeof UNIT_MS];
    if (ms < MIN_INTERVAL_MS) return `every: at least 1m, got ${JSON.stringify(every)}`;
    return { kind: "interval", ms, spec: `${Number(interval[1])}${interval[2]}` };
  }
  const daily = /^daily@([01]?\d|2[0-3]):([0-5]\d)$/.exec(spec);
  if (daily) {
    if (!isValidTimeZone(timeZone)) return `timezone: not an IANA time zone: ${JSON.stringify(timeZone)}`;
    const hour = Number(daily[1]), minute = Number(daily[2]);
    return { kind: "daily", hour, minute, timeZone, spec: `daily@${String(hour).padStart(2, "0")}:${daily[2]}` };
  }
  return `every: expected a duration like 15m, 1h, 1d or daily@HH:MM, got ${JSON.stringify(every)}`;
}

/** The end of the latest window that has closed at or before `now`. */
export function lastWindowEnd(schedule: DigestSchedule, now: Date): Date {
  if (schedule.kind === "interval") return new Date(Math.floor(now.getTime() / schedule.ms) * schedule.ms);
  const today = localDate(now, schedule.timeZone);
  const at = zonedToUtc(today.year, today.month, today.day, schedule.hour, schedule.minute, schedule.timeZone);
  if (at.getTime() <= now.getTime()) return at;
  const yesterday = new Date(Date.UTC(today.year, today.month - 1, today.day - 1));
  return zonedToUtc(yesterday.getUTCFullYear(), yesterday.getUTCMonth() + 1, yesterday.getUTCDate(), schedule.hour, schedule.minute, schedule.timeZone);
}

function parts(t: Date, timeZone: string): Record<string, number> {
  const fmt = new Intl.DateTimeFormat("en-US", {
    timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric",
  });
  return Object.fromEntries(fmt.formatToParts(t).filter((p) => p.type !== "literal").map((p) => [p.type, Number(p.value)]));
}

function localDate(t: Date, timeZone: string): { year: number; month: number; day: number } {
  const p = parts(t, timeZone);
  return { year: p.year!, month: p.month!, day: p.day! };
}

/** Offset of `timeZone` from UTC at instant `t`, in ms (Berlin in summer: +2 h). */
function offsetMs(t: number, timeZone: string): number {
  const p = parts(new Date(t), timeZone);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return asUtc - Math.floor(t / 1000) * 1000;
}

/** The instant a wall-clock time happens in `timeZone`; a time skipped by DST lands just after the gap. */
export function zonedToUtc(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  let t = wall - offsetMs(wall, timeZone);
  // Once more with the offset at the candidate instant, for days on which the offset changes.
  t = wall - offsetMs(t, timeZone);
  return new Date(t);
}
