export * from "./feed-health.js";
export * from "./feed-registry.js";
export * from "./feed-state.js";
export * from "./host-slots.js";
export * from "./poll-feed.js";
export * from "./schedules.js";
export * from "./worker.js";
export * from "./feed/parse-feed.js";
