export * from "./extract-candidate.js";
export * from "./compose-document.js";
export * from "./compose-off-thread.js";
export * from "./stage.js";
export * from "./main.js";
export * from "./article/extract-article.js";
export * from "./article/detect-language.js";
export * from "./mentions/index.js";
