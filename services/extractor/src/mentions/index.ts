export { extractMentions, analysedText } from "./extract-mentions.js";
export type { MentionsInput, MentionsResult, Mention, MentionKind } from "./extract-mentions.js";
export { ACTIONS, getLexicon } from "./taxonomy.js";
export type { Action, EntityType } from "./taxonomy.js";
export { foldText } from "./fold.js";
export type { FoldedText } from "./fold.js";
export { taxonomyGazetteer } from "./taxonomy-gazetteer.js";
export type { GazetteerEntry } from "./taxonomy-gazetteer.js";
