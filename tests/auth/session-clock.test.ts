// The session clock with both clocks injected: a jump of the wall clock is taken back out of
// "now" for sessions stamped before it; ordinary drift is not; a session never stamped here is
// judged against the jumps since the gateway started.
import { expect, test } from "bun:test";
import { SessionClock } from "../../src/auth/session-clock";

const DAY = 86_400_000;

function clocks() {
  const state = { wall: 1_800_000_000_000, mono: 1000 };
  const clock = new SessionClock(() => state.wall, () => state.mono);
  const pass = (ms: number) => {
    state.wall += ms;
    state.mono += ms;
  };
  return { state, clock, pass };
}

test("a jump forward or back after a stamp is taken out; drift under 5 s is not", () => {
  const { state, clock, pass } = clocks();
  clock.created(1);
  const stampedAt = state.wall;
  pass(60_000);
  expect(clock.now(1, "lastSeen") - stampedAt).toBe(60_000);
  state.wall += 3 * DAY; // NTP step, resumed VM
  expect(clock.now(1, "lastSeen") - stampedAt).toBe(60_000);
  expect(clock.now(1, "created") - stampedAt).toBe(60_000);
  state.wall -= 6 * DAY; // and back past where it was
  expect(clock.now(1, "lastSeen") - stampedAt).toBe(60_000);
  state.wall += 3 * DAY + 2000; // ordinary drift left over
  expect(clock.now(1, "lastSeen") - stampedAt).toBe(62_000);
});

test("a last-seen write after a jump is judged from then on; a session stamped elsewhere against the jumps since start", () => {
  const { state, clock, pass } = clocks();
  state.wall += DAY;
  clock.lastSeenWritten(2, 30 * 60_000);
  const written = state.wall;
  pass(1000);
  expect(clock.now(2, "lastSeen") - written).toBe(1000);
  // Session 3 was stamped before this gateway started: the day's jump since start is taken out.
  expect(clock.now(3, "lastSeen")).toBe(state.wall - DAY);
  clock.forget(2);
  expect(clock.now(2, "lastSeen")).toBe(state.wall - DAY);
});
