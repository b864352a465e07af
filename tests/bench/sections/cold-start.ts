// Cold start: a new user's first visit to their first 200, with no spare instance (a process is
// spawned for them) and with one (a waiting spare is claimed); and what an idle instance costs.
import { type BenchUser, instanceAt, loadApp, startGateway, visitorFor, waitForInstances } from "../lib/gateway";
import { childPids, megabytes, privateBytes, rssBytes } from "../lib/processes";
import { type BenchOptions, type Cell, type Section, percentile, round } from "../lib/section";

const POOL_NOTICES_MS = 1500;

async function firstVisits(options: BenchOptions, spares: number, users: BenchUser[]) {
  await using gateway = await startGateway(options.command, users, { spares });
  const times: number[] = [];
  for (const [index, user] of users.entries()) {
    // Each visit finds the pool at rest: the earlier users' instances and, with spares, a ready spare.
    await waitForInstances(gateway, index + spares);
    // An instance answers its health check a moment before the pool's own poll marks it running;
    // without this pause a "with spare" visit could still find no ready spare and start one cold.
    await Bun.sleep(POOL_NOTICES_MS);
    const started = performance.now();
    await loadApp(visitorFor(gateway, user));
    times.push(performance.now() - started);
  }
  // Idle: served its first page, then left alone for a few seconds.
  await Bun.sleep(3000);
  const instances = childPids(gateway.pid).filter((pid) => {
    try {
      return Boolean(instanceAt(pid));
    } catch {
      return false;
    }
  });
  const rss = instances.map(rssBytes).sort((a, b) => a - b);
  const own = instances.map(privateBytes).sort((a, b) => a - b);
  return { times: times.sort((a, b) => a - b), rss, own };
}

export const coldStartSection: Section = {
  name: "cold-start",
  async run(options: BenchOptions) {
    const count = options.quick ? 3 : 7;
    const rows: Cell[][] = [];
    let idleRss: number[] = [];
    let idleOwn: number[] = [];
    for (const spares of [0, 1]) {
      const users = Array.from({ length: count }, (_, i) => ({ name: `cold${spares}-${i + 1}`, address: `127.0.2.${10 * spares + i + 1}` }));
      const { times, rss, own } = await firstVisits(options, spares, users);
      if (spares === 0) {
        idleRss = rss;
        idleOwn = own;
      }
      rows.push([
        spares === 0 ? "no spare (process spawned)" : "a spare waiting (claimed)",
        count,
        round(percentile(times, 50), 1),
        round(times.at(-1)!, 1),
        spares === 0 ? "< 300 ms" : "< 50 ms",
      ]);
    }
    rows.push(["idle instance RSS, MB (median / max)", idleRss.length, megabytes(percentile(idleRss, 50)), megabytes(idleRss.at(-1) ?? 0), "< 60 MB"]);
    rows.push(["  of which its own (RssAnon), MB", idleOwn.length, megabytes(percentile(idleOwn, 50)), megabytes(idleOwn.at(-1) ?? 0), "—"]);
    return {
      title: "Cold start and idle memory",
      notes: [
        "Each new user (own loopback address, own IP rule) asks for /app/ as a browser would and repeats on 503 every 10 ms; the time is to the first 200, session creation included.",
        "Idle RSS: the no-spare run's instances, 3 s after their first page (VmRSS from /proc). The rest of VmRSS is pages of the 5gfm executable, shared by every instance and the gateway.",
      ],
      columns: ["case", "users", "p50 ms", "max ms", "target"],
      rows,
    };
  },
};
