import { mkdtemp, readFile, rm, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FeedRegistryError, loadFeeds, parseFeeds, parseOpml, registryReader, saveFeeds } from "./feed-registry.js";

let dir: string;
beforeEach(async () => { dir = await mkdtemp(path.join(os.tmpdir(), "regradar-registry-")); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

const GOOD = `# Feeds the team watches; keep regulators first.
feeds:
  # The SEC's press releases
  - id: sec
    url: https://www.sec.gov/news/pressreleases.rss
    interval: 900
    tags: [regulator]
  - id: wire # a wire service
    url: https://wire.example.com/rss
`;

describe("feed registry", () => {
  it("names the file and the line of an invalid entry", () => {
    const bad = GOOD.replace("url: https://wire.example.com/rss", "url: not-a-url");
    expect(() => parseFeeds("feeds.yaml", bad)).toThrow(/^feeds\.yaml:9: feeds\.1\.url: /);
    expect(() => parseFeeds("feeds.yaml", GOOD.replace("interval: 900", "interval: often"))).toThrow(/^feeds\.yaml:6: feeds\.0\.interval/);
  });

  it("names the line of broken YAML and of a duplicate id", () => {
    expect(() => parseFeeds("feeds.yaml", "feeds:\n  - id: a\n    url: x: y\n  - id: b\n")).toThrow(/^feeds\.yaml:3: not valid YAML/);
    expect(() => parseFeeds("feeds.yaml", GOOD.replace("id: wire", "id: sec"))).toThrow(/^feeds\.yaml:8: duplicate feed id sec/);
  });

  it("an empty registry is an error (a save caught half-way), feeds: [] is none", () => {
    expect(() => parseFeeds("feeds.yaml", "")).toThrow(/^feeds\.yaml: empty/);
    expect(() => parseFeeds("feeds.yaml", "# nothing yet\n")).toThrow(/^feeds\.yaml: empty/);
    expect(parseFeeds("feeds.yaml", "feeds: []\n")).toEqual([]);
  });

  it("a registry path that does not exist is an error, unless the caller creates it", async () => {
    const missing = path.join(dir, "feeds.yml");
    await expect(loadFeeds(missing)).rejects.toThrow(new RegExp(`^${missing}: no such feed registry`));
    expect(await loadFeeds(missing, { missingOk: true })).toEqual([]);
  });

  it("edits keep the operator's comments, order and layout", async () => {
    const file = path.join(dir, "feeds.yaml");
    await writeFile(file, GOOD);
    const feeds = await loadFeeds(file);
    await saveFeeds(file, [...feeds, { id: "fca", url: "https://www.fca.org.uk/news/rss.xml", interval: 900, tags: [] }]);
    const added = await readFile(file, "utf8");
    expect(added.startsWith(GOOD)).toBe(true);
    expect(added).toContain("id: fca");
    await saveFeeds(file, (await loadFeeds(file)).filter((f) => f.id !== "wire"));
    const removed = await readFile(file, "utf8");
    expect(removed).toContain("# Feeds the team watches; keep regulators first.");
    expect(removed).toContain("# The SEC's press releases");
    expect(removed).not.toContain("wire");
    expect((await loadFeeds(file)).map((f) => f.id)).toEqual(["sec", "fca"]);
  });

  it("while running, an invalid edit keeps the last good registry and is reported once", async () => {
    const file = path.join(dir, "feeds.yaml");
    await writeFile(file, GOOD);
    const reported: FeedRegistryError[] = [];
    const read = registryReader(file, (err) => reported.push(err));
    expect((await read()).map((f) => f.id)).toEqual(["sec", "wire"]);
    await writeFile(file, "feeds:\n  - id: sec\n\turl: x\n");
    await utimes(file, new Date(), new Date(Date.now() + 5_000));
    for (let i = 0; i < 3; i++) expect((await read()).map((f) => f.id)).toEqual(["sec", "wire"]);
    expect(reported).toHaveLength(1);
    expect(reported[0]!.message).toMatch(/feeds\.yaml:3: not valid YAML: Tabs/);
  });

  it("the first read of an invalid registry fails: there is no good one to keep", async () => {
    const file = path.join(dir, "feeds.yaml");
    await writeFile(file, "feeds: 3\n");
    await expect(registryReader(file, () => {})()).rejects.toThrow(/feeds\.yaml:1: feeds: /);
  });

  it("an import that is not OPML is an error saying what it is", () => {
    expect(() => parseOpml("")).toThrow(/not an OPML file: it is empty/);
    expect(() => parseOpml("<!doctype html><html><body><a href='/rss'>rss</a></body></html>")).toThrow(/root element is <html>/);
    expect(() => parseOpml("just some text")).toThrow(/not an OPML file: no XML element/);
    expect(() => parseOpml(`<?xml version="1.0"?><rss version="2.0"><channel/></rss>`)).toThrow(/root element is <rss>/);
    expect(parseOpml(`<?xml version="1.0"?><opml version="2.0"><body><outline xmlUrl="https://a.example/rss" text="A"/></body></opml>`)).toHaveLength(1);
  });
});
