import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analysedText, extractMentions, type MentionsResult } from "./index.js";

const seed = JSON.parse(
  readFileSync(new URL("../../../../packages/cli/demo-data/sources/seed-article.json", import.meta.url), "utf8"),
) as { title: string; text: string; lang: string };

const run = (title: string, text: string, lang: string | null = "en") => extractMentions({ title, text, lang });
const names = (r: MentionsResult) => r.entities.map((e) => e.name);

function expectSpansExact(input: { title: string; text: string }, r: MentionsResult) {
  const src = analysedText(input);
  for (const m of r.mentions) expect(src.slice(m.start, m.end)).toBe(m.surface);
}

describe("extractMentions: seed story (Bloomberg, 2017-09-18)", () => {
  const r = extractMentions(seed);

  it("reports China's crackdown on Beijing exchanges and WeChat group admins", () => {
    expect(r.relevant).toBe(true);
    expect(r.score).toBeGreaterThan(0.9);
    expect(r.jurisdictions).toEqual(["CN"]);
    expect(r.actions).toEqual(expect.arrayContaining(["shutdown_order", "platform_liability"]));
  });

  it("finds the exchanges under English and Chinese (traditional) names", () => {
    expect(names(r)).toEqual(expect.arrayContaining(["OKCoin", "Huobi", "BTCChina", "Bitcoin"]));
    const huobi = r.mentions.filter((m) => m.value === "Huobi").map((m) => m.surface);
    expect(huobi).toEqual(expect.arrayContaining(["Huobi", "火幣"]));
    expect(r.mentions.some((m) => m.value === "OKCoin" && m.surface === "幣行")).toBe(true);
  });

  it("returns contract 3's keys in order, with exact evidence spans", () => {
    expect(Object.keys(r)).toEqual(["relevant", "score", "jurisdictions", "authorities", "actions", "entities", "mentions"]);
    expect(Object.keys(r.mentions[0]!)).toEqual(["kind", "value", "surface", "start", "end"]);
    expectSpansExact(seed, r);
    const shutdown = r.mentions.find((m) => m.kind === "action" && m.value === "shutdown_order");
    expect(shutdown?.surface).toMatch(/cease trading|halt trading|stop registering/);
  });
});

describe("extractMentions: Chinese text", () => {
  it("understands simplified Chinese regulators, actions and assets", () => {
    const input = {
      title: "央行等七部门叫停ICO",
      text: "中国人民银行等七部门联合发布公告，禁止各类代币发行融资活动，要求比特币交易平台停止交易。"
        + "北京市互联网金融风险专项整治工作领导小组办公室约谈了火币、币安等交易平台负责人。",
    };
    const r = run(input.title, input.text, "zh");
    expect(r.relevant).toBe(true);
    expect(r.jurisdictions).toEqual(["CN"]);
    expect(r.authorities).toEqual(expect.arrayContaining(["People's Bank of China", "Beijing Leading Group for Internet Financial Risk Remediation"]));
    expect(r.actions).toEqual(expect.arrayContaining(["ban", "shutdown_order", "guidance"]));
    expect(names(r)).toEqual(expect.arrayContaining(["Bitcoin", "Huobi", "Binance"]));
    expectSpansExact(input, r);
  });

  it("folds traditional characters to the same taxonomy", () => {
    const input = {
      title: "香港證監會發出通函",
      text: "證券及期貨事務監察委員會表示，所有在香港經營的虛擬資產交易平台均須獲發牌。幣安及火幣的用戶需留意。比特幣價格下跌。",
    };
    const r = run(input.title, input.text, "zh");
    expect(r.relevant).toBe(true);
    expect(r.jurisdictions).toEqual(["HK"]);
    expect(r.authorities).toEqual(["Securities and Futures Commission of Hong Kong"]);
    expect(r.actions).toEqual(expect.arrayContaining(["licensing", "guidance"]));
    expect(names(r)).toEqual(expect.arrayContaining(["Binance", "Huobi", "Bitcoin"]));
    expectSpansExact(input, r);
  });

  it("maps a city police bureau to its country", () => {
    const r = run("乌海警方捣毁虚拟币洗钱窝点", "乌海市公安局抓获犯罪嫌疑人11人，冻结涉案账户。该团伙利用虚拟币洗钱。", "zh");
    expect(r.relevant).toBe(true);
    expect(r.jurisdictions).toEqual(["CN"]);
    expect(r.authorities).toEqual(["Wuhai Public Security Bureau"]);
    expect(r.actions).toContain("enforcement");
  });
});

describe("extractMentions: negation and hedging", () => {
  it("ignores a denied ban", () => {
    const r = run("Korea denies bitcoin ban", "The finance ministry denied plans to ban bitcoin trading on Monday. Prices rose 3%.");
    expect(r.actions).not.toContain("ban");
    expect(r.relevant).toBe(false);
  });

  it("ignores 'no plans to' and rumours", () => {
    const a = run("Bitcoin steady", "The government has no plans to ban cryptocurrency, a spokesman said.");
    expect(a.relevant).toBe(false);
    const b = run("Bitcoin dips", "Rumours of a ban on bitcoin trading in India sent prices lower on Tuesday.");
    expect(b.relevant).toBe(false);
    expect(b.jurisdictions).toEqual([]);
  });

  it("still reports the affirmative action next to a negated one", () => {
    const r = run("Regulator acts", "The SEC did not ban crypto trading. Instead the SEC sued Coinbase for operating an unregistered exchange.");
    expect(r.relevant).toBe(true);
    expect(r.actions).toEqual(["enforcement"]);
    expect(r.authorities).toEqual(["U.S. Securities and Exchange Commission"]);
    expect(r.jurisdictions).toEqual(["US"]);
  });
});

describe("extractMentions: word boundaries and tickers", () => {
  it("does not read SEC inside 'section' or 'secure'", () => {
    const r = run("Bitcoin wallets", "See the comments section below on how to secure bitcoin wallets; the second section covers Ethereum.");
    expect(r.mentions.some((m) => m.kind === "authority")).toBe(false);
    expect(r.relevant).toBe(false);
    expect(names(r)).toEqual(["Bitcoin", "Ethereum"]);
  });

  it("only counts ambiguous tickers in a ticker context", () => {
    const plain = run("Markets", "ONE of the traders said SOL was a word in Spanish, and DOT is short for dot.");
    expect(plain.entities).toEqual([]);
    const ticker = run("Markets", "Solana (SOL) rose 4%, while $DOT and ONE token prices fell.");
    expect(names(ticker)).toEqual(expect.arrayContaining(["Solana", "Polkadot", "Harmony"]));
  });
});

describe("extractMentions: relevance", () => {
  it("treats price talk citing regulatory fears as not relevant, but keeps its entities", () => {
    const r = run(
      "Bitcoin slides below $60,000",
      "Bitcoin fell 5% on Tuesday as regulatory fears weighed on crypto markets, traders said. Ether and XRP followed. Analysts expect volatility to persist.",
    );
    expect(r.relevant).toBe(false);
    expect(r.jurisdictions).toEqual([]);
    expect(r.authorities).toEqual([]);
    expect(r.actions).toEqual([]);
    expect(names(r)).toEqual(expect.arrayContaining(["Bitcoin", "Ethereum", "XRP"]));
    expect(r.score).toBeLessThan(0.6);
  });

  it("needs crypto subject matter: a bank fine is not crypto regulation", () => {
    const r = run("Wells Fargo fined", "Federal regulators fined Wells Fargo $185 million for opening fake accounts.");
    expect(r.relevant).toBe(false);
    expect(r.entities).toEqual([]);
  });

  it("a country mentioned in passing is not a jurisdiction", () => {
    const r = run(
      "SEC charges founder",
      "The U.S. Securities and Exchange Commission charged the founder of a crypto lending platform with fraud. "
        + "The founder, a South African national who lived in Singapore, denied wrongdoing.",
    );
    expect(r.relevant).toBe(true);
    expect(r.jurisdictions).toEqual(["US"]);
    expect(r.actions).toEqual(["enforcement"]);
  });
});

describe("extractMentions: full-width characters", () => {
  it("normalises full-width Latin letters and digits", () => {
    const input = { title: "ＳＥＣ起訴幣安", text: "美國ＳＥＣ週一起訴幣安及其創始人趙長鵬，指控其違反證券法。ＢＴＣ價格下跌３％。" };
    const r = run(input.title, input.text, "zh");
    expect(r.relevant).toBe(true);
    expect(r.authorities).toEqual(["U.S. Securities and Exchange Commission"]);
    expect(r.jurisdictions).toEqual(["US"]);
    expect(r.actions).toContain("enforcement");
    expect(names(r)).toEqual(expect.arrayContaining(["Binance", "Changpeng Zhao", "Bitcoin"]));
    expectSpansExact(input, r);
    expect(r.mentions.find((m) => m.kind === "authority")?.surface).toBe("ＳＥＣ");
  });
});

describe("extractMentions: bodies and people outside the taxonomy", () => {
  it("recognises police and crime units by the shape of their names, and descriptive regulator names", () => {
    const r = run(
      "UK regulator raids crypto ATMs",
      "The UK's financial regulator said it worked with the South West Regional Organised Crime Unit and the Nottinghamshire Police force "
        + "on inspections of illegal crypto ATMs, which were shut down.",
    );
    expect(r.relevant).toBe(true);
    expect(r.jurisdictions).toEqual(["GB"]);
    expect(r.authorities).toEqual(expect.arrayContaining(["Financial Conduct Authority", "South West Regional Organised Crime Unit", "Nottinghamshire Police"]));
  });

  it("resolves a shared abbreviation by the country the text is about", () => {
    const r = run("Thai SEC fines exchange", "Thailand's SEC fined a local crypto exchange 1 million baht for breaching its licence conditions.");
    expect(r.authorities).toEqual(["Securities and Exchange Commission of Thailand"]);
    expect(r.jurisdictions).toEqual(["TH"]);
  });

  it("lists people introduced by their role at a crypto firm, not officials", () => {
    const r = run(
      "Bybit hacked",
      "Bybit co-founder and CEO Ben Zhou confirmed the breach. Kraken chief legal officer Marco Santori commented, "
        + "while FBI director Christopher Wray declined to comment.",
    );
    expect(names(r)).toEqual(expect.arrayContaining(["Bybit", "Ben Zhou", "Kraken", "Marco Santori"]));
    expect(names(r)).not.toContain("Christopher Wray");
  });
});

describe("extractMentions: names that are ordinary words", () => {
  it("counts 'Circle' only in a crypto sentence", () => {
    expect(names(run("Stablecoins", "Circle, the issuer of the USDC stablecoin, filed for an IPO."))).toEqual(expect.arrayContaining(["Circle", "USD Coin"]));
    expect(run("Geometry", "Draw a Circle and a Polygon on the board.").entities).toEqual([]);
  });
});

describe("extractMentions: defendants and provincial bodies", () => {
  it("lists defendants introduced with their age in an enforcement story", () => {
    const r = run(
      "Crypto Ponzi founders charged",
      "Federal prosecutors said John Alan Doe, 41, and Mary Roe, 39, were charged with wire fraud over a bitcoin mining scheme.",
    );
    expect(r.actions).toContain("enforcement");
    expect(names(r)).toEqual(expect.arrayContaining(["John Alan Doe", "Mary Roe", "Bitcoin"]));
  });

  it("maps a provincial public security department to CN", () => {
    const r = run("", "湖南省公安厅通报，破获一起利用虚拟货币洗钱的案件，抓获犯罪嫌疑人20名。", "zh");
    expect(r.relevant).toBe(true);
    expect(r.jurisdictions).toEqual(["CN"]);
    expect(r.authorities).toEqual(["Hunan Provincial Public Security Department"]);
  });
});

describe("extractMentions: orders spread over a clause", () => {
  it("reads 'ordered X to remove the app' as a shutdown order of the named business", () => {
    const r = run(
      "Philippines moves against Binance",
      "The Philippines SEC ordered Google and Apple to remove the Binance app, saying the exchange is not licensed in the country.",
    );
    expect(r.relevant).toBe(true);
    expect(r.actions).toContain("shutdown_order");
    expect(r.authorities).toEqual(["Securities and Exchange Commission of the Philippines"]);
    expect(r.jurisdictions).toEqual(["PH"]);
  });
});

describe("extractMentions: descriptive references to regulators", () => {
  it("resolves 'Japan's financial regulator' and 'the country's central bank'", () => {
    const a = run("", "Japan's financial regulator issued business improvement orders to six crypto exchanges.");
    expect(a.authorities).toEqual(["Financial Services Agency of Japan"]);
    expect(a.actions).toEqual(["enforcement"]);
    const b = run("", "Bitcoin trading surged in Nigeria after the country’s central bank banned banks from serving crypto exchanges.");
    expect(b.authorities).toEqual(["Central Bank of Nigeria"]);
    expect(b.jurisdictions).toEqual(["NG"]);
    const c = run("", "尼日利亚加密货币交易激增，该国央行此前禁止银行为加密货币交易所提供服务。", "zh");
    expect(c.authorities).toEqual(["Central Bank of Nigeria"]);
  });
});
