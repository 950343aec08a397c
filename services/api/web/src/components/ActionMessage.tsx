import { useState } from "preact/hooks";

export interface ActionMessage { text: string; error?: boolean }

/**
 * What a management page (feeds, alerts) does with a button press: run it, show its one-line outcome
 * or its error, and reload the list it changed.
 */
export function useActions(reload: () => void) {
  const [message, setMessage] = useState<ActionMessage | null>(null);
  const act = async (what: () => Promise<string>) => {
    try {
      setMessage({ text: await what() });
      reload();
    } catch (err) {
      setMessage({ text: (err as Error).message, error: true });
    }
  };
  return { message, setMessage, act };
}

export function ActionMessageLine({ message }: { message: ActionMessage | null }) {
  return message && <p class={message.error ? "error" : "notice"} role={message.error ? "alert" : "status"}>{message.text}</p>;
}
