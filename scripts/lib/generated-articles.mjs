// Deterministic generated articles for the benchmarks (bench-index, bench-api): a seeded PRNG over a
// vocabulary of regulation-news sentences, ~3-5 KB of text each, ~5% Chinese, realistic facets.
import { articleIdFor, simhash } from "../../packages/shared/dist/index.js";

let seed = 0x9e3779b9;
const rand = () => { seed = (seed + 0x6d2b79f5) | 0; let t = seed; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const pick = (a) => a[Math.floor(rand() * a.length)];
const some = (a, max) => [...new Set(Array.from({ length: 1 + Math.floor(rand() * max) }, () => pick(a)))];

const JURISDICTIONS = [["US", "U.S. Securities and Exchange Commission"], ["US", "Commodity Futures Trading Commission"], ["CN", "People's Bank of China"],
  ["GB", "Financial Conduct Authority"], ["EU", "European Securities and Markets Authority"], ["JP", "Financial Services Agency"],
  ["KR", "Financial Services Commission"], ["SG", "Monetary Authority of Singapore"], ["HK", "Securities and Futures Commission"],
  ["DE", "BaFin"], ["FR", "Autorité des marchés financiers"], ["AU", "Australian Securities and Investments Commission"],
  ["IN", "Reserve Bank of India"], ["BR", "Comissão de Valores Mobiliários"], ["AE", "Virtual Assets Regulatory Authority"], ["PH", "Philippine Securities and Exchange Commission"]];
const ACTIONS = ["ban", "shutdown_order", "enforcement", "licensing", "legislation", "guidance", "investigation", "taxation", "sanctions", "aml_kyc", "platform_liability"];
const ENTITIES = [["Binance", "exchange"], ["Coinbase", "exchange"], ["Kraken", "exchange"], ["OKX", "exchange"], ["Huobi", "exchange"], ["Bybit", "exchange"],
  ["Bitcoin", "asset"], ["Ether", "asset"], ["Tether", "asset"], ["USDC", "asset"], ["Ripple", "company"], ["Tornado Cash", "project"], ["Uniswap", "project"],
  ["Terraform Labs", "company"], ["FTX", "exchange"], ["Do Kwon", "person"], ["Sam Bankman-Fried", "person"], ["Circle", "company"]];
const SOURCES = Array.from({ length: 40 }, (_, i) => `news${i}.example.${pick(["com", "org", "net", "co.uk", "cn"])}`);
const SUBJECTS = ["The regulator", "The agency", "Lawmakers", "The central bank", "The finance ministry", "Prosecutors", "The court", "The commission", "Officials", "The watchdog"];
const VERBS = ["ordered", "warned", "proposed", "approved", "fined", "charged", "investigated", "banned", "licensed", "sanctioned", "required", "asked"];
const OBJECTS = ["cryptocurrency exchanges", "stablecoin issuers", "crypto lenders", "token projects", "custody providers", "mining companies", "wallet providers",
  "decentralised finance platforms", "payment companies", "brokers offering bitcoin derivatives", "promoters of initial coin offerings"];
const TAILS = ["to stop onboarding new users", "to register with the authority before the end of the year", "over failures in anti-money-laundering controls",
  "after complaints from retail investors", "under new consumer-protection rules", "pending a review of their reserves", "citing risks to financial stability",
  "following an inquiry into market manipulation", "in a statement published on its website", "as part of a broader crackdown", "in line with the travel rule",
  "while the legislation is debated in parliament", "and set a deadline of thirty days", "to disclose the assets backing their tokens"];
const FILLER = ["Market participants said the decision had been expected for months.", "Prices of bitcoin and ether were little changed after the announcement.",
  "Industry groups criticised the move as heavy-handed and vowed to challenge it.", "Analysts said the rules would raise compliance costs for smaller firms.",
  "The measures follow a string of collapses that wiped out billions of dollars of customer funds.", "A spokesperson for the company declined to comment.",
  "Consumer advocates welcomed the step but said enforcement would be the real test.", "The authority said it would publish further guidance in the coming weeks."];
const ZH = ["中国人民银行表示，将继续加强对虚拟货币交易的监管。", "监管部门要求交易所停止为境内用户提供服务。", "比特币价格在消息公布后小幅下跌。",
  "有关部门提醒投资者警惕虚拟货币相关风险。", "火币和OKX表示将配合监管要求。", "分析人士认为，新规将提高合规成本。"];

export function makeDoc(i) {
  const zh = rand() < 0.05;
  const [jurisdiction, authority] = pick(JURISDICTIONS);
  const jurisdictions = rand() < 0.2 ? [jurisdiction, pick(JURISDICTIONS)[0]] : [jurisdiction];
  const entities = some(ENTITIES, 3).map(([name, type]) => ({ name, type }));
  const target = 3000 + Math.floor(rand() * 2000);
  const paragraphs = [];
  let length = 0;
  while (length < target) {
    const sentences = Array.from({ length: 3 + Math.floor(rand() * 3) }, () => zh ? pick(ZH)
      : rand() < 0.7 ? `${pick(SUBJECTS)} ${pick(VERBS)} ${pick(OBJECTS)} ${pick(TAILS)}${rand() < 0.3 ? `, including ${entities[0].name}` : ""}.` : pick(FILLER));
    const p = sentences.join(zh ? "" : " ");
    paragraphs.push(p);
    length += zh ? p.length * 3 : p.length;
  }
  const text = paragraphs.join("\n\n");
  const source = pick(SOURCES);
  const url = `https://${source}/${2017 + (i % 8)}/${(i % 12) + 1}/story-${i}`;
  const publishedAt = new Date(Date.UTC(2017, 0, 1) + Math.floor(rand() * 8 * 365 * 86_400_000)).toISOString();
  const relevant = rand() < 0.7;
  return {
    id: articleIdFor(url), url, canonicalUrl: url, feedId: `feed-${source}`, feedTitle: `${source} news`, source,
    title: zh ? `${pick(ZH).slice(0, 18)}（第${i}期）` : `${pick(SUBJECTS)} ${pick(VERBS)} ${pick(OBJECTS)} (${i})`,
    summary: paragraphs[0].slice(0, 280), text, lang: zh ? "zh" : "en", publishedAt, fetchedAt: new Date(Date.parse(publishedAt) + 3_600_000).toISOString(),
    authors: [pick(["Staff", "Reuters", "Bloomberg", "Wire desk", "Jane Doe", "Li Wei"])], categories: some(["Regulation", "Markets", "Policy", "Crypto", "Tech"], 2),
    relevant, score: relevant ? 0.5 + rand() / 2 : rand() / 3,
    jurisdictions: relevant ? [...new Set(jurisdictions)] : [], authorities: relevant ? [authority] : [], actions: relevant ? some(ACTIONS, 2) : [], entities,
    mentions: entities.map((e) => ({ kind: "entity", value: e.name, surface: e.name, start: 0, end: e.name.length })),
    contentHash: simhash(text), textSource: "page", pageError: null, duplicateOf: null,
  };
}
