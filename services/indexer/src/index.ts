export * from "./article-store.js";
export * from "./sqlite-store.js";
export * from "./index-articles.js";
export * from "./micro-batcher.js";
export * from "./worker.js";
export * from "./elasticsearch-store.js";
