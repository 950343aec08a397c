export { extractMentions, analysedText } from "./extract-mentions.js";
export type { MentionsInput, MentionsResult, Mention, MentionKind } from "./extract-mentions.js";
export { ACTIONS } from "./taxonomy.js";
export type { Action, EntityType } from "./taxonomy.js";
