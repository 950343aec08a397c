import type { FeedDiagnostics, FeedParseFailure } from "./feed/parse-feed.js";

/**
 * A feed's health after a poll, from what the poll saw. Pure, so the fetcher, the CLI and the API
 * agree on one account of it:
 * - failing: nothing usable came of the poll (fetch or parse failed, or no item could be used);
 * - degraded: items came through, but the feed is broken in a way an operator can act on
 *   (truncated or malformed XML repaired, wrong charset, items skipped or cut to the caps);
 * - ok: otherwise. The XML repairs every working feed needs (&nbsp; undeclared, a bare "&") are ok.
 */

export type FeedHealthStatus = "ok" | "degraded" | "failing";

/** Why an item of a parsed feed was not taken; one exact reason each. */
export type ItemSkipReason = "unsafe_link" | "no_link" | "invalid_link" | "not_http";

export interface FeedProblem {
  /** A stable code: what dashboards group by and runbooks are written against. */
  code: string;
  /** What happened and what to do, in one line for an operator. */
  detail: string;
}

export interface FeedHealth {
  status: FeedHealthStatus;
  /** The first problem as "code: detail", or null when ok. */
  reason: string | null;
  /** Worst first. */
  problems: FeedProblem[];
}

export type PollObservation =
  | { kind: "fetch_failed"; reason: string }
  | { kind: "parse_failed"; reason: FeedParseFailure; message: string }
  | { kind: "parsed"; items: number; skipped: Partial<Record<ItemSkipReason, number>>; diagnostics: FeedDiagnostics };

const SKIP_ADVICE: Record<ItemSkipReason, string> = {
  unsafe_link: "links with a script or data: scheme were refused",
  no_link: "items without any link cannot be fetched",
  invalid_link: "item links that are not URLs",
  not_http: "item links that are not http(s)",
};

export function classifyFeedHealth(poll: PollObservation): FeedHealth {
  if (poll.kind === "fetch_failed") return health("failing", [{ code: "fetch_failed", detail: poll.reason }]);
  if (poll.kind === "parse_failed") {
    return health("failing", [{ code: poll.reason, detail: poll.message }]);
  }
  const { diagnostics: d } = poll;
  const problems: FeedProblem[] = [...xmlProblems(d), ...charsetProblems(d)];
  const skippedTotal = Object.values(poll.skipped).reduce((a, b) => a + (b ?? 0), 0);
  if (skippedTotal > 0) {
    const counts = (Object.entries(poll.skipped) as Array<[ItemSkipReason, number]>).filter(([, n]) => n > 0);
    problems.push({
      code: "items_skipped",
      detail: counts.map(([r, n]) => `${n} ${r} (${SKIP_ADVICE[r]})`).join(", "),
    });
  }
  const cut = d.truncated;
  const capped = (["title", "summary", "content"] as const).filter((f) => cut[f] > 0).map((f) => `${cut[f]} ${f}`);
  if (cut.items > 0) capped.push(`${cut.items} items beyond the per-poll cap`);
  if (capped.length) problems.push({ code: "capped", detail: `cut to the caps: ${capped.join(", ")}` });

  const usable = poll.items - skippedTotal;
  if (usable <= 0 && problems.length > 0) {
    // A document repaired or re-decoded into nothing usable is a failure, not an empty feed.
    return health("failing", [{ code: "no_usable_items", detail: `${poll.items} items read, none usable` }, ...problems]);
  }
  return health(problems.length ? "degraded" : "ok", problems);
}

function health(status: FeedHealthStatus, problems: FeedProblem[]): FeedHealth {
  const first = problems[0];
  return { status, reason: first ? `${first.code}: ${first.detail}` : null, problems };
}

function xmlProblems(d: FeedDiagnostics): FeedProblem[] {
  const repairs = new Set(d.repairs);
  if (repairs.has("unclosed_elements") || repairs.has("unterminated_markup")) {
    return [{ code: "truncated_xml", detail: "the document ends inside an element: a truncated download or a broken generator; items after the cut are missing" }];
  }
  const malformed = (["mismatched_end_tag", "stray_end_tag", "content_after_root"] as const).filter((r) => repairs.has(r));
  if (malformed.length) {
    return [{ code: "malformed_xml", detail: `repaired ${malformed.join(", ")}; items may be merged or missing` }];
  }
  return [];
}

function charsetProblems(d: FeedDiagnostics): FeedProblem[] {
  const c = d.charset;
  if (!c) return [];
  const used = d.encoding ?? "?";
  switch (c.kind) {
    case "redetected":
      return [{ code: "charset_mismatch", detail: `labelled ${c.declared} but the bytes are not; decoded as ${used}: the publisher should fix the charset label` }];
    case "replaced":
      return [{ code: "charset_errors", detail: `${c.replacements} invalid ${c.declared} sequences replaced with U+FFFD` }];
    case "suspect":
      return [{ code: "charset_suspect", detail: `labelled ${c.declared} but the bytes read as UTF-8: text may show as mojibake ("Ã©")` }];
    case "undeclared":
      return [{ code: "charset_undeclared", detail: `no encoding declared and not UTF-8; guessed ${used}` }];
  }
}
