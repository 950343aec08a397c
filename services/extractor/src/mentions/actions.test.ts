import { beforeAll, describe, expect, it } from "vitest";
import { extractMentions } from "./index.js";

// The first call compiles the taxonomy (~0.5 s CPU, several seconds on a loaded machine): not a test's time.
beforeAll(() => { extractMentions({ title: "", text: "", lang: null }); }, 60_000);

const run = (title: string, text: string) => extractMentions({ title, text, lang: "en" });

describe("extractMentions: an action's cue attaches to a regulator or a legal act", () => {
  it("reports the law a parliament passes, not an exchange's collapse told as background", () => {
    const r = run("Japan passes crypto law",
      "Japan's parliament passed a law requiring cryptocurrency exchanges to register with the Financial Services Agency. The government has sought to tighten rules since the sudden shutdown in 2014 of the bitcoin exchange Mt. Gox.");
    expect(r.actions).toContain("legislation");
    expect(r.actions).not.toContain("shutdown_order");
  });

  it("keeps a closure someone ordered", () => {
    const r = run("Exchange shut", "Police in Thailand announced the forced shutdown of the bitcoin exchange after a raid, and the regulator ordered it to stop trading.");
    expect(r.actions).toContain("shutdown_order");
  });

  it("does not read a ban into words that describe, not decide", () => {
    const r = run("Users move", "Chinese regulators ordered exchanges to stop trading bitcoin. Users moved to Telegram and other encrypted services banned in the country.");
    expect(r.actions).toContain("shutdown_order");
    expect(r.actions).not.toContain("ban");
  });

  it("reports no action that is only hedged or denied", () => {
    const hedged = run("SEC sues", "The SEC sued the bitcoin issuer on Monday. Platforms that list the token may have to register as securities exchanges if the SEC wins.");
    expect(hedged.actions).toContain("enforcement");
    expect(hedged.actions).not.toContain("licensing");
    const denied = run("No ban", "India's finance ministry denied plans to ban bitcoin, and the central bank said it has not decided to ban cryptocurrency trading.");
    expect(denied.actions).not.toContain("ban");
  });

  it("leaves to the company an investigation a regulator ordered it to launch", () => {
    const r = run("FSA orders Coincheck", "Japan's Financial Services Agency ordered crypto exchange Coincheck to launch an investigation into the theft of NEM tokens and issued a business improvement order.");
    expect(r.actions).toContain("enforcement");
    expect(r.actions).not.toContain("investigation");
  });
});
