#!/usr/bin/env node
// es-local.mjs — runs a throw-away Elasticsearch on 127.0.0.1 until Ctrl-C or SIGTERM.
//
//   npm run es:local                  one node (first run resolves the jars with Maven into .cache/elasticsearch/)
//   npm run es:local -- --nodes 2     a 2-node cluster discovering on loopback (the first node is the master)
//
// Prints the node URLs on stdout, comma-separated; progress goes to stderr.
// Data lives in a temp folder removed on exit.
import { parseArgs } from "node:util";
import { ELASTICSEARCH_VERSION, startElasticsearch } from "./lib/elasticsearch-local.mjs";

const log = (message) => console.error(`[es-local] ${message}`);
const { values } = parseArgs({ options: { nodes: { type: "string", default: "1" } } });
const nodes = Number(values.nodes);
if (!Number.isInteger(nodes) || nodes < 1) {
  console.error(`--nodes wants a whole number >= 1, got ${values.nodes}`);
  process.exit(2);
}

const es = await startElasticsearch({ nodes, log });
console.log(`Elasticsearch ${ELASTICSEARCH_VERSION} ready at ${es.urls.join(",")}`);

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

const { code, signal } = await Promise.race(es.nodes.map((node) => node.exited));
if (!stopping) {
  log(`an Elasticsearch node exited unexpectedly (code ${code}, signal ${signal})`);
  await es.stop();
  process.exitCode = 1;
}
