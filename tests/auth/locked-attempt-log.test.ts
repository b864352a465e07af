import { describe, expect, test } from "bun:test";
import { LockedAttemptLog } from "../../src/auth/locked-attempt-log";

describe("LockedAttemptLog", () => {
  test("one entry per address a minute, the next counting those left out", () => {
    const log = new LockedAttemptLog(60_000);
    expect(log.admit("10.0.0.1", 0)).toEqual({ skipped: 0 });
    for (let i = 1; i <= 500; i++) expect(log.admit("10.0.0.1", i * 100)).toBeUndefined();
    expect(log.admit("10.0.0.2", 1000)).toEqual({ skipped: 0 });
    expect(log.admit("10.0.0.1", 60_000)).toEqual({ skipped: 500 });
    expect(log.admit("10.0.0.1", 60_001)).toBeUndefined();
  });

  test("memory is bounded: past 10,000 addresses the oldest is forgotten", () => {
    const log = new LockedAttemptLog(60_000);
    for (let i = 0; i < 10_001; i++) log.admit(`a${i}`, 0);
    // a0 was forgotten, so it is written again; a10000 is still remembered.
    expect(log.admit("a0", 1)).toEqual({ skipped: 0 });
    expect(log.admit("a10000", 1)).toBeUndefined();
  });
});
