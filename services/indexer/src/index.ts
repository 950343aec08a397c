export * from "./index-articles.js";
export * from "./stage.js";
export * from "./main.js";
