import type { HttpClient } from "@regradar/shared";
import { escapeHtml, tagsOf, type AlertMessage } from "../alert-message.js";
import { classifyFetchError, classifyHttpStatus, DeliveryFailure } from "./delivery-failure.js";

const MAX_CHARS = 4000; // sendMessage takes up to 4096 characters after entity parsing

/** The Bot API message text (parse_mode HTML: every field escaped). */
export function telegramText(m: AlertMessage): string {
  const head = m.articles.length > 1 || m.kind === "digest"
    ? `<b>${m.articles.length} new article${m.articles.length === 1 ? "" : "s"} for “${escapeHtml(m.subscription.name)}”</b>`
    : `<b>RegRadar: ${escapeHtml(m.subscription.name)}</b>`;
  let text = head;
  for (const a of m.articles) {
    const tags = tagsOf(a);
    const entry = `\n\n<a href="${escapeHtml(a.url)}">${escapeHtml(a.title ?? a.url)}</a>${tags ? `\n<i>${escapeHtml(tags)}</i>` : ""}\n${escapeHtml(a.snippet)}`;
    if (text.length + entry.length > MAX_CHARS) { text += `\n\n… and more`; break; }
    text += entry;
  }
  return text;
}

export interface TelegramConfig { apiBase: string; botToken: string | undefined }

export async function sendTelegram(http: HttpClient, cfg: TelegramConfig, chatId: string, m: AlertMessage): Promise<void> {
  if (!cfg.botToken) throw new DeliveryFailure("telegram: TELEGRAM_BOT_TOKEN is not configured", true);
  const token = cfg.botToken;
  // The token is part of the URL: it must not reach an error message, a log or the delivery log.
  const redact = (s: string) => s.split(token).join("[token]");
  const url = `${cfg.apiBase.replace(/\/+$/, "")}/bot${token}/sendMessage`;
  const body = JSON.stringify({ chat_id: chatId, text: telegramText(m), parse_mode: "HTML", link_preview_options: { is_disabled: true } });
  let status: number;
  try {
    status = (await http.post(url, body, { headers: { "content-type": "application/json" } })).status;
  } catch (err) {
    classifyFetchError(err, "telegram", redact);
  }
  classifyHttpStatus(status, "telegram");
}
