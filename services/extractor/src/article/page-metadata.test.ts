import { describe, expect, it } from "vitest";
import { normaliseLangTag, toIsoUtc } from "./page-metadata.js";

describe("toIsoUtc", () => {
  it.each([
    ["2019-11-19T13:03:00.000Z", "2019-11-19T13:03:00.000Z"],
    ["2019-11-18T16:54:19+0000", "2019-11-18T16:54:19.000Z"],
    ["2019-11-19T10:00:00-05:00", "2019-11-19T15:00:00.000Z"],
    ["2019-11-18 16:54:19", "2019-11-18T16:54:19.000Z"],
    ["2019-11-19", "2019-11-19T00:00:00.000Z"],
    ["Tue, 19 Nov 2019 10:00:00 GMT", "2019-11-19T10:00:00.000Z"],
    ["November 19, 2019", "2019-11-19T00:00:00.000Z"],
    ["19.11.2019", "2019-11-19T00:00:00.000Z"],
    ["2017年9月15日", "2017-09-15T00:00:00.000Z"],
    ["1574161200", "2019-11-19T11:00:00.000Z"],
  ])("%s -> %s (a date without a zone is UTC)", (raw, iso) => {
    expect(toIsoUtc(raw)).toBe(iso);
  });

  it("rejects placeholders and garbage", () => {
    expect(toIsoUtc("0001-01-01T00:00:00Z")).toBeNull();
    expect(toIsoUtc("yesterday-ish")).toBeNull();
    expect(toIsoUtc("")).toBeNull();
  });
});

describe("normaliseLangTag", () => {
  it("keeps the primary subtag", () => {
    expect(normaliseLangTag("en-US")).toBe("en");
    expect(normaliseLangTag("zh_CN")).toBe("zh");
    expect(normaliseLangTag("zh-Hant-TW")).toBe("zh");
    expect(normaliseLangTag("de, en")).toBe("de");
    expect(normaliseLangTag("und")).toBeNull();
    expect(normaliseLangTag("")).toBeNull();
  });
});
