import type { StoredArticle, Subscription } from "@regradar/shared";
import { alternativesOf, analyzeTerms, planQuery, type QueryClause, type QueryConcept, type QueryPlan } from "@regradar/store";

/**
 * Subscriptions compiled for matching many articles a second: each becomes a predicate
 * (filter sets, parsed query), and an inverted index maps one required value of each
 * subscription (an entity, an authority, a query term, a jurisdiction…) to it. An article
 * then evaluates only the subscriptions indexed under one of its own values, plus the few
 * that require nothing indexable.
 *
 * Filters are those of a search: values within one filter are alternatives, filters combine with
 * AND; names (entities, authorities, sources) compare case-insensitively.
 *
 * The query is read as a search reads it (`planQuery`: the same analysis, stems, Chinese bigrams,
 * traditional/simplified folding, and the same concepts from the taxonomy), but where a search ranks
 * documents matching only some words, an alert must be precise: a query subscription matches an article
 * only when EVERY word of the query is found, in the title or the text (a word of several tokens, like a
 * Chinese word, as a phrase), or is part of naming a concept (authority, entity, jurisdiction, action)
 * that the article's extracted fields carry: "美国证监会 bitcoin" alerts on an English article about the
 * SEC and bitcoin. Stop words are not required; "quoted phrases" must appear as typed; -excluded words
 * must not appear; `a | b` needs either.
 */
export interface CompiledSubscriptions {
  readonly size: number;
  match(article: StoredArticle): Subscription[];
}

interface Predicate {
  sub: Subscription;
  jurisdictions: Set<string> | null;
  authorities: Set<string> | null;
  actions: Set<string> | null;
  entities: Set<string> | null;
  sources: Set<string> | null;
  languages: Set<string> | null;
  minScore: number | null;
  plan: QueryPlan;
}

/** One analysed article, built once and shared by every candidate's predicate. */
export interface ArticleFeatures {
  jurisdictions: Set<string>;
  authorities: Set<string>;
  actions: Set<string>;
  entities: Set<string>;
  source: string;
  lang: string | null;
  score: number;
  /** Term -> positions, per field. */
  title: Map<string, number[]>;
  text: Map<string, number[]>;
}

const lowerSet = (xs: string[]) => (xs.length ? new Set(xs.map((x) => x.toLowerCase())) : null);
const set = (xs: string[]) => (xs.length ? new Set(xs) : null);

function positions(terms: string[]): Map<string, number[]> {
  const map = new Map<string, number[]>();
  terms.forEach((t, i) => {
    const list = map.get(t);
    if (list) list.push(i);
    else map.set(t, [i]);
  });
  return map;
}

export function articleFeatures(article: StoredArticle): ArticleFeatures {
  return {
    jurisdictions: new Set(article.jurisdictions.map((j) => j.toUpperCase())),
    authorities: new Set(article.authorities.map((a) => a.toLowerCase())),
    actions: new Set(article.actions),
    entities: new Set(article.entities.map((e) => e.name.toLowerCase())),
    source: article.source.toLowerCase(),
    lang: article.lang?.toLowerCase() ?? null,
    score: article.score,
    title: positions(analyzeTerms(article.title ?? "")),
    text: positions(analyzeTerms(article.text)),
  };
}

function phraseIn(field: Map<string, number[]>, terms: string[]): boolean {
  const first = field.get(terms[0]!);
  if (!first) return false;
  const rest = terms.slice(1).map((t) => field.get(t));
  if (rest.some((r) => !r)) return false;
  return first.some((p) => rest.every((r, i) => r!.includes(p + i + 1)));
}

const textHas = (c: QueryClause, a: ArticleFeatures) => c.terms.length === 1
  ? a.title.has(c.terms[0]!) || a.text.has(c.terms[0]!)
  : phraseIn(a.title, c.terms) || phraseIn(a.text, c.terms);

function carries(k: QueryConcept, a: ArticleFeatures): boolean {
  switch (k.field) {
    case "jurisdictions": return a.jurisdictions.has(k.value.toUpperCase());
    case "authorities": return a.authorities.has(k.value.toLowerCase());
    case "entities": return a.entities.has(k.value.toLowerCase());
    case "actions": return a.actions.has(k.value);
  }
}

/** A required clause: one alternative found as text, or (unquoted) naming a concept the article carries. */
function clauseHolds(c: QueryClause, plan: QueryPlan, a: ArticleFeatures): boolean {
  return alternativesOf(c).some((x) => textHas(x, a) || (!x.quoted && (plan.clauseConcepts.get(x) ?? []).some((k) => carries(k, a))));
}

/** Stop words are required only in a query of nothing else ("the who"). */
const requires = (plan: QueryPlan, c: QueryClause) => !c.stopWord || plan.words.includes(c);

function queryMatches(plan: QueryPlan, a: ArticleFeatures): boolean {
  if (plan.excluded.some((c) => textHas(c, a))) return false;
  return plan.clauses.every((c) => c.negated || !requires(plan, c) || clauseHolds(c, plan, a));
}

const anyIn = (wanted: Set<string> | null, have: Iterable<string>) => {
  if (!wanted) return true;
  for (const v of have) if (wanted.has(v)) return true;
  return false;
};

export function predicateMatches(p: Predicate, a: ArticleFeatures): boolean {
  if (p.minScore !== null && a.score < p.minScore) return false;
  if (!anyIn(p.actions, a.actions) || !anyIn(p.jurisdictions, a.jurisdictions)) return false;
  if (!anyIn(p.entities, a.entities) || !anyIn(p.authorities, a.authorities)) return false;
  if (p.sources && !p.sources.has(a.source)) return false;
  if (p.languages && (a.lang === null || !p.languages.has(a.lang))) return false;
  return queryMatches(p.plan, a);
}

export function compilePredicate(sub: Subscription, plans = new Map<string, QueryPlan>()): Predicate {
  const f = sub.filters;
  const query = sub.query ?? "";
  // Many subscriptions share a query; a plan is read-only, so one serves them all.
  let plan = plans.get(query);
  if (!plan) { plan = planQuery(query); plans.set(query, plan); }
  return {
    sub,
    jurisdictions: set(f.jurisdictions.map((j) => j.toUpperCase())),
    authorities: lowerSet(f.authorities),
    actions: set(f.actions),
    entities: lowerSet(f.entities),
    sources: lowerSet(f.sources),
    languages: lowerSet(f.languages),
    minScore: f.minScore,
    plan,
  };
}

/**
 * The index keys a subscription is filed under: the values of its most selective required
 * filter. Every article the subscription matches carries at least one of them.
 */
function indexKeys(p: Predicate): string[] | null {
  if (p.entities) return [...p.entities].map((v) => `e:${v}`);
  if (p.authorities) return [...p.authorities].map((v) => `au:${v}`);
  const required = p.plan.clauses.filter((c) => !c.negated && requires(p.plan, c));
  if (required.length) {
    // The longest term of a clause is the likeliest to be rare; a clause with alternatives is filed
    // under one term of each alternative, and under the concepts each one can stand for.
    const best = (c: QueryClause) => c.terms.reduce((a, b) => (b.length > a.length ? b : a));
    const clause = required.find((c) => !c.alternatives) ?? required[0]!;
    return alternativesOf(clause).flatMap((c) => [`t:${best(c)}`, ...(c.quoted ? [] : (p.plan.clauseConcepts.get(c) ?? []).map(conceptKey))]);
  }
  if (p.sources) return [...p.sources].map((v) => `s:${v}`);
  if (p.jurisdictions) return [...p.jurisdictions].map((v) => `j:${v}`);
  if (p.actions) return [...p.actions].map((v) => `a:${v}`);
  if (p.languages) return [...p.languages].map((v) => `l:${v}`);
  return null;
}

function conceptKey(k: QueryConcept): string {
  switch (k.field) {
    case "jurisdictions": return `j:${k.value.toUpperCase()}`;
    case "authorities": return `au:${k.value.toLowerCase()}`;
    case "entities": return `e:${k.value.toLowerCase()}`;
    case "actions": return `a:${k.value}`;
  }
}

function articleKeys(a: ArticleFeatures): Iterable<string> {
  const keys: string[] = [];
  for (const v of a.entities) keys.push(`e:${v}`);
  for (const v of a.authorities) keys.push(`au:${v}`);
  for (const v of a.jurisdictions) keys.push(`j:${v}`);
  for (const v of a.actions) keys.push(`a:${v}`);
  keys.push(`s:${a.source}`);
  if (a.lang) keys.push(`l:${a.lang}`);
  for (const t of a.title.keys()) keys.push(`t:${t}`);
  for (const t of a.text.keys()) keys.push(`t:${t}`);
  return keys;
}

export function compileSubscriptions(subs: Subscription[]): CompiledSubscriptions {
  const plans = new Map<string, QueryPlan>();
  const predicates = subs.filter((s) => s.active).map((s) => compilePredicate(s, plans));
  const index = new Map<string, number[]>();
  const unindexed: number[] = [];
  predicates.forEach((p, i) => {
    const keys = indexKeys(p);
    if (!keys) { unindexed.push(i); return; }
    for (const k of new Set(keys)) {
      const list = index.get(k);
      if (list) list.push(i);
      else index.set(k, [i]);
    }
  });
  // A per-article stamp instead of a Set: a candidate filed under several keys is evaluated once.
  const seen = new Uint32Array(predicates.length);
  let stamp = 0;
  return {
    size: predicates.length,
    match(article) {
      const a = articleFeatures(article);
      stamp = stamp === 0xffffffff ? 1 : stamp + 1;
      if (stamp === 1) seen.fill(0);
      const out: Subscription[] = [];
      const consider = (i: number) => {
        if (seen[i] === stamp) return;
        seen[i] = stamp;
        if (predicateMatches(predicates[i]!, a)) out.push(predicates[i]!.sub);
      };
      for (const i of unindexed) consider(i);
      for (const key of articleKeys(a)) {
        const list = index.get(key);
        if (list) for (const i of list) consider(i);
      }
      return out;
    },
  };
}
