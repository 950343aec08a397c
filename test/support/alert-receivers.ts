import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import type { TestServer } from "./misbehaving-server.js";

export interface ReceivedWebhook { headers: Record<string, string | string[] | undefined>; body: string; status: number }

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Distinct X-RegRadar-Delivery ids answered 2xx: what a receiver that dedupes has accepted. */
  accepted(): string[];
}

/**
 * A webhook endpoint on the test server. `answer(n)` decides the status of the n-th request
 * (0-based); returning null holds the request open without answering (the receiver hangs).
 */
export function webhookReceiver(server: TestServer, path: string, answer: (n: number) => number | null = () => 200): WebhookReceiver {
  const received: ReceivedWebhook[] = [];
  const url = server.route(path, (req, res, body) => {
    const status = answer(received.length);
    received.push({ headers: req.headers, body: body.toString("utf8"), status: status ?? 0 });
    if (status === null) return;
    res.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "ok" : "nope");
  });
  return {
    url, received,
    accepted: () => [...new Set(received.filter((r) => r.status >= 200 && r.status < 300).map((r) => String(r.headers["x-regradar-delivery"])))],
  };
}

export interface SmtpSink {
  url: string;
  messages: Array<{ from: string; to: string[]; raw: string }>;
  close(): Promise<void>;
}

/** A real SMTP server in-process (no TLS, no auth) that keeps every message it accepts. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: SmtpSink["messages"] = [];
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ["STARTTLS", "AUTH"], logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The decoded body of the first MIME part of the given type (quoted-printable, base64 or plain). */
export function mimePart(raw: string, contentType: string): string | null {
  const boundaries = [...raw.matchAll(/boundary="?([^";\r\n]+)"?/gi)].map((m) => m[1]!);
  const parts = boundaries.length ? boundaries.flatMap((b) => raw.split(`--${b}`)) : [raw];
  for (const part of parts) {
    const split = part.search(/\r?\n\r?\n/);
    if (split < 0) continue;
    const head = part.slice(0, split);
    if (!new RegExp(`content-type:\\s*${contentType.replace("/", "\\/")}`, "i").test(head)) continue;
    const body = part.slice(split).trim();
    const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(head)?.[1]?.toLowerCase();
    if (encoding === "base64") return Buffer.from(body, "base64").toString("utf8");
    if (encoding === "quoted-printable") {
      return decodeURIComponent(body.replace(/%/g, "%25").replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/gi, "%$1"));
    }
    return body;
  }
  return null;
}

export const until = async (what: () => boolean | Promise<boolean>, timeoutMs: number, label = "condition"): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await what())) {
    if (Date.now() > deadline) throw new Error(`${label} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** A header of a raw message, unfolded; names compare case-insensitively. */
export function mailHeader(raw: string, name: string): string | null {
  const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, " ");
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line ? line.slice(name.length + 1).trim() : null;
}
