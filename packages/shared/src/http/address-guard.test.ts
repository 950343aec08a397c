import { describe, expect, it } from "vitest";
import { createAddressGuard } from "./address-guard.js";

const refused = (allowList: string[], ip: string, host = ip) =>
  !createAddressGuard(allowList).checkAddress(ip, host).allowed;

describe("createAddressGuard", () => {
  it.each([
    ["8.8.8.8"],
    ["93.184.216.34"],
    ["2606:4700:4700::1111"],
    ["::ffff:8.8.8.8"],
    ["64:ff9b::808:808"], // NAT64 of 8.8.8.8
  ])("lets the public address %s through", (ip) => {
    expect(refused([], ip, "example.com")).toBe(false);
  });

  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["10.0.0.1", "private"],
    ["172.16.5.4", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "carrierGradeNat"],
    ["169.254.169.254", "linkLocal"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["240.0.0.1", "reserved"],
    ["192.0.2.10", "reserved"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "linkLocal"],
    ["fd00::1", "uniqueLocal"],
    ["fc12:3456::1", "uniqueLocal"],
    ["ff02::1", "multicast"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:169.254.169.254", "linkLocal"],
    ["::ffff:10.1.2.3", "private"],
    ["::ffff:a9fe:a9fe", "linkLocal"], // 169.254.169.254, hex form
    ["64:ff9b::a9fe:a9fe", "linkLocal"], // NAT64 wrapping the metadata address
    ["2002:a9fe:a9fe::1", "linkLocal"], // 6to4 wrapping the metadata address
    ["::7f00:1", "loopback"], // deprecated IPv4-compatible ::127.0.0.1
    ["2001:db8::1", "reserved"],
  ])("refuses %s (%s)", (ip, reason) => {
    const verdict = createAddressGuard([]).checkAddress(ip, "feeds.example.com");
    expect(verdict).toEqual({ allowed: false, reason });
  });

  it("refuses strings that are not addresses", () => {
    expect(refused([], "not-an-ip", "example.com")).toBe(true);
  });

  it("refuses cloud metadata host names whatever they resolve to", () => {
    const guard = createAddressGuard([]);
    expect(guard.checkHost("metadata.google.internal")).toEqual({ allowed: false, reason: "metadata_host" });
    expect(guard.checkHost("METADATA.google.internal.")).toMatchObject({ allowed: false });
    expect(guard.checkAddress("8.8.8.8", "metadata.google.internal")).toMatchObject({ allowed: false });
    expect(guard.checkHost("example.com")).toEqual({ allowed: true });
  });

  it("allow-lists single addresses", () => {
    expect(refused(["127.0.0.1"], "127.0.0.1")).toBe(false);
    expect(refused(["127.0.0.1"], "127.0.0.2")).toBe(true);
    expect(refused(["127.0.0.1"], "::ffff:127.0.0.1")).toBe(false);
    expect(refused(["::1"], "::1")).toBe(false);
    expect(refused(["::1"], "127.0.0.1")).toBe(true);
  });

  it("allow-lists CIDR ranges", () => {
    expect(refused(["10.0.0.0/8"], "10.20.30.40")).toBe(false);
    expect(refused(["10.0.0.0/8"], "11.0.0.1", "x.example")).toBe(false); // public anyway
    expect(refused(["10.0.0.0/8"], "192.168.0.1")).toBe(true);
    expect(refused(["fd00::/8"], "fd00::5")).toBe(false);
  });

  it("allow-lists host names, whatever address they resolve to", () => {
    expect(refused(["localhost"], "127.0.0.1", "localhost")).toBe(false);
    expect(refused(["localhost"], "::1", "LOCALHOST")).toBe(false);
    expect(refused(["localhost"], "127.0.0.1", "other.internal")).toBe(true);
    expect(createAddressGuard(["metadata.google.internal"]).checkHost("metadata.google.internal").allowed).toBe(true);
  });

  it("ignores blank entries and rejects malformed CIDRs", () => {
    expect(refused(["", "  "], "127.0.0.1")).toBe(true);
    expect(() => createAddressGuard(["10.0.0.0/99"])).toThrow(/invalid CIDR/);
  });
});
