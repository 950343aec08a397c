export * from "./feed-registry.js";
export * from "./feed-state.js";
export * from "./host-slots.js";
export * from "./poll-feed.js";
export * from "./schedules.js";
export * from "./stage.js";
export * from "./main.js";
export * from "./feed/parse-feed.js";
