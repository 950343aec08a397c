import type { Config, HttpClient, Subscription } from "@regradar/shared";
import type { AlertMessage } from "../alert-message.js";
import { createEmailSender, type EmailSender } from "./email.js";
import { sendSlack } from "./slack.js";
import { sendTelegram, type TelegramConfig } from "./telegram.js";
import { sendWebhook } from "./webhook.js";

export * from "./delivery-failure.js";
export * from "./email.js";
export * from "./slack.js";
export * from "./telegram.js";
export * from "./webhook.js";

/** Sends one message through the subscription's channel; throws DeliveryFailure when it could not. */
export type SendAlert = (sub: Subscription, message: AlertMessage) => Promise<void>;

/** Every channel over its real transport: HTTP through the guarded client, e-mail over SMTP. */
export function createChannels(deps: { http: HttpClient; email: EmailSender; telegram: TelegramConfig; clock?: () => Date }): SendAlert {
  const now = deps.clock ?? (() => new Date());
  return async (sub, message) => {
    switch (sub.channel) {
      case "webhook": return sendWebhook(deps.http, sub.target, sub.secret, message, now());
      case "slack": return sendSlack(deps.http, sub.target, message);
      case "telegram": return sendTelegram(deps.http, deps.telegram, sub.target, message);
      case "email": return deps.email.send(sub.target, message);
    }
  };
}

/** Every channel as configured: the composition roots' one way to build them (the alerter, `subscriptions test`, the API). */
export function openChannels(config: Config, http: HttpClient, linkSecret: string): { send: SendAlert; close(): void } {
  const a = config.alerts;
  const email = createEmailSender({ smtpUrl: a.smtpUrl, from: a.smtpFrom, publicUrl: a.publicUrl, linkSecret });
  return { send: createChannels({ http, email, telegram: { apiBase: a.telegramApiBase, botToken: a.telegramBotToken } }), close: () => email.close() };
}
