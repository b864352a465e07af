// Scale: users at distinct loopback addresses, each with their own instance, each loading pages
// and keeping a WebSocket open; how latency, gateway CPU and memory grow from 10 to 50 to 100
// users, and whether anything fails (it must not).
import { openWebSocketFrom } from "../../helpers/http-from";
import { type BenchGateway, type BenchUser, instanceAt, loadApp, startGateway, visitorFor } from "../lib/gateway";
import { childPids, cpuMs, megabytes, pssBytes, rssBytes } from "../lib/processes";
import { RawWebSocket } from "../lib/raw-websocket";
import { type BenchOptions, type Cell, type Section, percentile, round } from "../lib/section";

interface Person {
  user: BenchUser;
  visitor: ReturnType<typeof visitorFor>;
  socket: RawWebSocket;
}

const PAGE_INTERVAL_MS = 2000;
/** How many first visits are under way at once while users join (the pool starts 4 at a time). */
const JOINING_AT_ONCE = 10;

async function join(gateway: BenchGateway, user: BenchUser): Promise<Person> {
  const visitor = visitorFor(gateway, user);
  await loadApp(visitor, 120_000);
  const raw = await openWebSocketFrom(user.address, `${gateway.url}/app/ws`, visitor.cookieHeader());
  return { user, visitor, socket: new RawWebSocket(raw) };
}

/**
 * Steady use: every person loads their app page about every PAGE_INTERVAL_MS (each starting at a
 * random moment, so the visits spread out as real people's do) while their WebSocket stays open.
 */
async function steadyUse(people: Person[], seconds: number) {
  const times: number[] = [];
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    people.map(async (person) => {
      await Bun.sleep(Math.random() * PAGE_INTERVAL_MS);
      while (performance.now() < until) {
        const started = performance.now();
        const response = await person.visitor.get("/app/").catch(() => undefined);
        const took = performance.now() - started;
        times.push(took);
        if (response?.status !== 200) errors++;
        await Bun.sleep(Math.max(0, PAGE_INTERVAL_MS - took));
      }
    }),
  );
  return { times: times.sort((a, b) => a - b), errors };
}

function instancePids(gateway: BenchGateway): number[] {
  return childPids(gateway.pid).filter((pid) => {
    try {
      return Boolean(instanceAt(pid));
    } catch {
      return false;
    }
  });
}

export const scaleSection: Section = {
  name: "scale",
  async run(options: BenchOptions) {
    const steps = options.quick ? [2, 5, 10] : [10, 50, 100];
    const holdSeconds = options.quick ? 5 : 60;
    const stepSeconds = options.quick ? 4 : 20;
    const total = steps.at(-1)!;
    const users = Array.from({ length: total }, (_, i) => ({ name: `scale-${i + 1}`, address: `127.0.1.${i + 1}` }));
    await using gateway = await startGateway(options.command, users, { spares: 1, maxInstances: total + 10 });
    const people: Person[] = [];
    const rows: Cell[][] = [];
    try {
      for (const step of steps) {
        let joinErrors = 0;
        const joining = users.slice(people.length, step);
        for (let i = 0; i < joining.length; i += JOINING_AT_ONCE) {
          const batch = await Promise.allSettled(joining.slice(i, i + JOINING_AT_ONCE).map((user) => join(gateway, user)));
          for (const result of batch) {
            if (result.status === "fulfilled") people.push(result.value);
            else joinErrors++;
          }
        }
        const cpuBefore = cpuMs(gateway.pid);
        // The last step is the long hold: every socket must still be open afterwards and relay a ping.
        const round1 = await steadyUse(people, step === total ? holdSeconds : stepSeconds);
        const cpuPerPage = (cpuMs(gateway.pid) - cpuBefore) / round1.times.length;
        const answered = await Promise.all(people.map((person, i) => (person.socket.closed ? false : person.socket.roundTrip(i + 1))));
        const socketErrors = answered.filter((ok) => !ok).length;
        const pids = instancePids(gateway);
        const rss = pids.map(rssBytes).sort((a, b) => a - b);
        rows.push([
          step,
          round(percentile(round1.times, 50), 1),
          round(percentile(round1.times, 99), 1),
          round1.errors + socketErrors + joinErrors,
          round(cpuPerPage, 2),
          megabytes(rssBytes(gateway.pid)),
          megabytes(percentile(rss, 50)),
          megabytes(pids.map(pssBytes).reduce((sum, n) => sum + n, 0)),
        ]);
      }
    } finally {
      for (const person of people) person.socket.close();
    }
    return {
      title: "Scale: users with their own instance and an open WebSocket",
      notes: [
        `Each user connects from their own loopback address (127.0.1.N) with their own IP rule: a first visit (starting their instance), then a WebSocket held open while they load their app page every ${PAGE_INTERVAL_MS / 1000} s (random start).`,
        `Each step lasts ${stepSeconds} s, the last (${total} users) ${holdSeconds} s; at the end of each every socket must still answer a ping. Errors: failed joins, non-200 pages, dead or silent sockets. Targets: p99 < 100 ms and 0 errors at 100 users.`,
        "Gateway CPU: its CPU time during the step (pages, sockets, sampling) per page load, from /proc; an instance's RSS is VmRSS; “all instances” adds up their PSS (shared pages of the executable divided among the processes sharing them), the memory they really take together. Instances are started 4 at a time (the default), one spare kept.",
      ],
      columns: ["users", "page p50 ms", "page p99 ms", "errors", "gateway CPU ms/page", "gateway RSS MB", "instance RSS MB (median)", "all instances MB (PSS)"],
      rows,
    };
  },
};
