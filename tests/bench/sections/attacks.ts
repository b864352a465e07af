// The resource attacks of issue 16 against a real gateway (and, with --before, the other checkout's
// in the same run): for each, the gateway's peak resident memory while it runs and another user's
// latency meanwhile. Target: the gateway stays under 200 MB for 60 s of each attack.
import { type Attack, type Target, earlyAnswerHugeBody, pipeliningNonReader, runFor, webSocketFlood } from "../../helpers/attacks";
import { type BenchGateway, loadApp, startGateway, visitorFor } from "../lib/gateway";
import { megabytes, rssBytes } from "../lib/processes";
import { type BenchOptions, type Cell, type Section, percentile, round } from "../lib/section";

const ATTACKER = { name: "attacker", address: "127.0.0.2" };
const BYSTANDER = { name: "bystander", address: "127.0.0.3" };

const ATTACKS: { name: string; start: (target: Target) => Attack }[] = [
  { name: "pipelining, never reading", start: (target) => pipeliningNonReader(target) },
  { name: "early answer, then a 120 MB body, again and again", start: (target) => earlyAnswerHugeBody(target, 120 * 1024 * 1024) },
  { name: "10,000 WebSockets", start: (target) => webSocketFlood(target, 10_000) },
];

async function attackRows(label: string, command: string[], seconds: number, seedWithCli = false): Promise<Cell[][]> {
  const rows: Cell[][] = [];
  for (const attack of ATTACKS) {
    // A fresh gateway for each attack: what one left behind must not count against the next.
    await using gateway: BenchGateway = await startGateway(command, [ATTACKER, BYSTANDER], { seedWithCli });
    const attacker = visitorFor(gateway, ATTACKER);
    const bystander = visitorFor(gateway, BYSTANDER);
    await loadApp(attacker);
    await loadApp(bystander);
    const before = rssBytes(gateway.pid);
    let peak = before;
    const latencies: number[] = [];
    let failures = 0;
    const target = { port: Number(new URL(gateway.url).port), address: ATTACKER.address, cookie: attacker.cookieHeader(), origin: gateway.url };
    await runFor(attack.start(target), seconds, async () => {
      try {
        peak = Math.max(peak, rssBytes(gateway.pid));
      } catch {
        // The gateway died: its last figure stands, and the bystander's failures say the rest.
      }
      const started = performance.now();
      const answer = await Promise.race([bystander.get("/app/_health").then((r) => r.status), Bun.sleep(5000).then(() => 0)]).catch(() => 0);
      if (answer === 200) latencies.push(performance.now() - started);
      else failures++;
    });
    latencies.sort((a, b) => a - b);
    rows.push([
      attack.name,
      label,
      seconds,
      megabytes(before),
      megabytes(peak),
      round(percentile(latencies, 50), 1),
      round(percentile(latencies, 99), 1),
      failures,
      peak < 200 * 1024 * 1024 ? "met" : "missed",
    ]);
  }
  return rows;
}

export const attacksSection: Section = {
  name: "attacks",
  async run(options: BenchOptions) {
    const seconds = options.quick ? 10 : 60;
    const rows = await attackRows("5gfm", options.command, seconds);
    if (options.before) rows.push(...(await attackRows("5gfm-before", options.before, seconds, true)));
    return {
      title: "Resource attacks (issue 16): gateway memory and another user's latency",
      notes: [
        "The attacker is a signed-in user at 127.0.0.2 attacking their own app; a bystander at 127.0.0.3 asks for their app's /app/_health about every 100 ms (a 5 s wait counts as a failure).",
        "Gateway RSS from /proc before and at its peak during the attack; each attack on a fresh gateway with default limits.",
        "Target: the gateway's RSS stays under 200 MB for 60 s of each attack.",
      ],
      columns: ["attack", "gateway", "seconds", "RSS before MB", "RSS peak MB", "bystander p50 ms", "bystander p99 ms", "bystander failures", "< 200 MB"],
      rows,
    };
  },
};
