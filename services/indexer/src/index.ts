export * from "./index-articles.js";
export * from "./micro-batcher.js";
export * from "./stage.js";
export * from "./main.js";
