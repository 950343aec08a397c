#!/usr/bin/env node
// es-local.mjs — runs a throw-away single-node Elasticsearch on 127.0.0.1 until Ctrl-C or SIGTERM.
//
//   npm run es:local        (first run resolves the server jars with Maven into .cache/elasticsearch/)
//
// Prints the URL on stdout; progress goes to stderr. Data lives in a temp folder removed on exit.
import { ELASTICSEARCH_VERSION, startElasticsearch } from "./lib/elasticsearch-local.mjs";

const log = (message) => console.error(`[es-local] ${message}`);

const es = await startElasticsearch({ log });
console.log(`Elasticsearch ${ELASTICSEARCH_VERSION} ready at ${es.url}`);

let stopping = false;
const shutdown = async (signal) => {
  if (stopping) return;
  stopping = true;
  log(`${signal} received, stopping`);
  await es.stop();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);

const { code, signal } = await es.exited;
if (!stopping) {
  log(`Elasticsearch exited unexpectedly (code ${code}, signal ${signal})`);
  await es.stop();
  process.exitCode = 1;
}
