// The short-lived identity cache: used only for the same token from the same address, gone after
// its time, and never refilled by a lookup that began before a clear().
import { describe, expect, setSystemTime, test } from "bun:test";
import type { Identity } from "../../src/gateway/context";
import { IdentityCache } from "../../src/gateway/identity-cache";

const identity = { user: { id: 1, name: "alice" }, session: { id: 7 } } as unknown as Identity;
const NOW = 1_000_000;

describe("identity cache", () => {
  test("answers for the same token from the same address until its time is up", () => {
    const cache = new IdentityCache(1000);
    cache.set("token", "10.0.0.1", identity, cache.version, NOW);
    expect(cache.get("token", "10.0.0.1", NOW + 999)).toBe(identity);
    expect(cache.get("token", "10.0.0.2", NOW + 10)).toBeUndefined();
    expect(cache.get("other", "10.0.0.1", NOW + 10)).toBeUndefined();
    expect(cache.get("token", "10.0.0.1", NOW + 1000)).toBeUndefined();
  });

  test("a wall clock set back does not keep an entry past its time", async () => {
    const cache = new IdentityCache(100);
    cache.set("token", "10.0.0.1", identity, cache.version);
    setSystemTime(new Date(Date.now() - 3_600_000));
    try {
      await Bun.sleep(150);
      expect(cache.get("token", "10.0.0.1")).toBeUndefined();
    } finally {
      setSystemTime();
    }
  });

  test("clear() forgets everything, and a lookup begun before it cannot put its answer back", () => {
    const cache = new IdentityCache(1000);
    cache.set("token", "10.0.0.1", identity, cache.version, NOW);
    const before = cache.version;
    cache.clear();
    expect(cache.get("token", "10.0.0.1", NOW + 1)).toBeUndefined();
    cache.set("token", "10.0.0.1", identity, before, NOW + 2);
    expect(cache.get("token", "10.0.0.1", NOW + 3)).toBeUndefined();
    cache.set("token", "10.0.0.1", identity, cache.version, NOW + 4);
    expect(cache.get("token", "10.0.0.1", NOW + 5)).toBe(identity);
  });
});
