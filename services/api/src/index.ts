export * from "./app.js";
export * from "./main.js";
export * from "./ports.js";
export * from "./errors.js";
export * from "./plugins/auth.js";
export * from "./status/collect-status.js";
export * from "./status/dead-letters.js";
