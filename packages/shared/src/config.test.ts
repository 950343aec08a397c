import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

describe("configuration", () => {
  it("has working defaults for a single machine", () => {
    const c = loadConfig({});
    expect(c.dataDir).toBe("./data");
    expect(c.feedsFile).toBe("./feeds.yaml");
    expect(c.elasticsearch).toBeUndefined();
    expect(c.allowHosts).toEqual([]);
    expect(c.http.maxBodyBytes).toBe(10 * 1024 * 1024);
  });

  it("parses the documented variables", () => {
    const c = loadConfig({ ELASTICSEARCH_URL: "http://es:9200", REGRADAR_ALLOW_HOSTS: "127.0.0.1, 10.0.0.0/8,", REDIS_URL: "redis://r:6379" });
    expect(c.elasticsearch).toEqual({ url: "http://es:9200", nodes: ["http://es:9200"], index: "regradar-articles", replicas: 0 });
    expect(c.allowHosts).toEqual(["127.0.0.1", "10.0.0.0/8"]);
    expect(c.redisUrl).toBe("redis://r:6379");
  });

  it("takes a cluster's nodes for Elasticsearch and Redis, and hash-tags the queue prefix for Redis Cluster", () => {
    const c = loadConfig({ ELASTICSEARCH_URL: "http://es1:9200, http://es2:9200", REDIS_URL: "redis+cluster://r1:7000,r2:7001" });
    expect(c.elasticsearch).toMatchObject({ url: "http://es1:9200", nodes: ["http://es1:9200", "http://es2:9200"] });
    expect(loadConfig({ ELASTICSEARCH_URL: "http://es1:9200,http://es2:9200", REGRADAR_ES_REPLICAS: "1" }).elasticsearch?.replicas).toBe(1);
    expect(() => loadConfig({ REGRADAR_ES_REPLICAS: "-1" })).toThrow(/REGRADAR_ES_REPLICAS/);
    expect(c.queuePrefix).toBe("{regradar}");
    expect(loadConfig({ REDIS_URL: "redis+cluster://r1:7000", REGRADAR_QUEUE_PREFIX: "{rr}" }).queuePrefix).toBe("{rr}");
    expect(() => loadConfig({ ELASTICSEARCH_URL: "http://es1:9200,es2" })).toThrow(/ELASTICSEARCH_URL: expected a URL such as http:\/\/127\.0\.0\.1:9200, got "es2"/);
    expect(() => loadConfig({ REDIS_URL: "localhost:6379" })).toThrow(/REDIS_URL/);
    expect(() => loadConfig({ REDIS_URL: "http://127.0.0.1:6379" })).toThrow(/REDIS_URL: expected a URL such as redis:/);
  });

  it("rejects a REDIS_URL or ELASTICSEARCH_URL without the right scheme, naming the expected form", () => {
    for (const bad of ["localhost:6379", "http://127.0.0.1:6379", "127.0.0.1:6379"]) {
      expect(() => loadConfig({ REDIS_URL: bad }), bad).toThrow(/REDIS_URL: expected a URL such as redis:\/\/127\.0\.0\.1:6379/);
    }
    expect(loadConfig({ REDIS_URL: "rediss://:pw@cache.example.com:6380/2" }).redisUrl).toBe("rediss://:pw@cache.example.com:6380/2");
    expect(() => loadConfig({ ELASTICSEARCH_URL: "localhost:9200" })).toThrow(/ELASTICSEARCH_URL: expected a URL such as http:\/\/127\.0\.0\.1:9200/);
  });

  it("never repeats a password from a bad URL in its message", () => {
    expect(() => loadConfig({ REDIS_URL: "http://user:s3cret@redis:6379" })).toThrow(/user:\*\*\*@redis/);
    expect(() => loadConfig({ REDIS_URL: "http://user:s3cret@redis:6379" })).not.toThrow(/s3cret/);
  });

  it("lists every bad value, one line each", () => {
    try {
      loadConfig({ REDIS_URL: "not a url", REGRADAR_FETCH_MAX_BYTES: "-5", REGRADAR_LOG_LEVEL: "loud" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const lines = (err as ConfigError).problems;
      expect(lines).toHaveLength(3);
      expect(lines.join("\n")).toMatch(/REDIS_URL/);
      expect(lines.join("\n")).toMatch(/REGRADAR_FETCH_MAX_BYTES/);
      expect(lines.join("\n")).toMatch(/REGRADAR_LOG_LEVEL/);
    }
  });
});
