export * from "./extract-candidate.js";
export * from "./worker.js";
export * from "./article/extract-article.js";
export * from "./article/detect-language.js";
export * from "./mentions/index.js";
