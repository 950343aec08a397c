import { Client } from "@elastic/elasticsearch";

/**
 * The one Elasticsearch client of a process, made by its composition root and shared by its stores.
 * 60 s per request: a bulk of ~1,000 articles on a busy small node can take tens of seconds.
 */
export function createElasticsearchClient(nodes: string | string[]): Client {
  return new Client({ nodes: Array.isArray(nodes) ? nodes : [nodes], requestTimeout: 60_000 });
}
