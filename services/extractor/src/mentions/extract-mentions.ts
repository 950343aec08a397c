import { analyse } from "./analysis.js";
import { countJurisdictions, findAuthorities, type Findings } from "./find-authorities.js";
import { addAgedPeople, addDescribedEntities, addRolePeople, entitiesOf, findEntityHits, type Entity } from "./find-entities.js";
import { findJurisdictions } from "./find-jurisdictions.js";
import { mention, type Mention } from "./mention.js";
import { refineAction } from "./refine-action.js";
import { ACTIONS, type Action } from "./taxonomy.js";
import { RELEVANCE_THRESHOLD, sentenceContext, weighEvidence } from "./weigh-evidence.js";

export type { Mention, MentionKind } from "./mention.js";

export interface MentionsInput {
  readonly title: string;
  readonly text: string;
  readonly lang: string | null;
}

/** Contract 3 of DESIGN.md, keys in contract order. */
export interface MentionsResult {
  relevant: boolean;
  score: number;
  jurisdictions: string[];
  authorities: string[];
  actions: Action[];
  entities: Entity[];
  mentions: Mention[];
}

/** The string every `start`/`end` offset refers to: the title, a blank line, then the text. */
export function analysedText(input: Pick<MentionsInput, "title" | "text">): string {
  return `${input.title ?? ""}\n\n${input.text ?? ""}`;
}

/**
 * Finds crypto-regulation mentions in an article. Pure function of its input; the taxonomy
 * (services/extractor/taxonomy/*.json) is loaded and compiled into one matcher on first call.
 */
export function extractMentions(input: MentionsInput): MentionsResult {
  const a = analyse(analysedText(input), (input.title ?? "").length);

  // Entities are reported for every article, relevant or not.
  const entityHits = findEntityHits(a);
  const { entities, mentions } = entitiesOf(a, entityHits);
  addRolePeople(a, entityHits, entities, mentions);
  addDescribedEntities(a, entities, mentions);

  const ctx = sentenceContext(a, entityHits);
  const evidence = weighEvidence(a, ctx);
  const relevant = evidence.score >= RELEVANCE_THRESHOLD;
  if (!relevant) return finish({ relevant, score: evidence.score, jurisdictions: [], authorities: [], actions: [], entities, mentions });

  const actionSet = new Set<Action>();
  for (const t of evidence.triggers) {
    const action = refineAction(a.src, t, a.hitsBySentence[t.hit.sentence]!, ctx.platform, a.sentences[t.hit.sentence]!);
    if (!action) continue;
    actionSet.add(action);
    mentions.push(mention(a.src, "action", action, t.hit));
  }
  if (actionSet.has("enforcement")) addAgedPeople(a, entities, mentions);

  const findings: Findings = { authorities: new Set(), jurisdictions: new Set(), mentions };
  const jurCounts = countJurisdictions(a.hits, a.lex);
  const reported = new Set(evidence.triggers.map((t) => t.hit.sentence));
  findAuthorities(a, evidence.perSentence, reported, jurCounts, findings);
  findJurisdictions(a, reported, jurCounts, findings);

  return finish({
    relevant, score: evidence.score,
    jurisdictions: [...findings.jurisdictions],
    authorities: [...findings.authorities],
    actions: ACTIONS.filter((x) => actionSet.has(x)),
    entities, mentions,
  });
}

function finish(r: MentionsResult): MentionsResult {
  r.mentions.sort((a, b) => a.start - b.start || a.end - b.end || a.kind.localeCompare(b.kind));
  return {
    relevant: r.relevant, score: r.score, jurisdictions: r.jurisdictions, authorities: r.authorities,
    actions: r.actions, entities: r.entities, mentions: r.mentions,
  };
}
