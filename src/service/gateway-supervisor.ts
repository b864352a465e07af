// `5gfm service run`: what the Windows task starts. Task Scheduler's "restart on failure" only
// retries a task that failed to START (MS-TSCH 2.5.4.2: a start condition not met or an action that
// could not be launched), not a program that crashes hours later, so this small parent process
// keeps the gateway running: it starts `5gfm serve`, and when the gateway ends without having
// stopped gracefully (it leaves a mark then: see recordCleanStop), starts it again after a pause that doubles up to a minute (back to a second once a run
// lasted a minute). A gateway that stopped gracefully (Ctrl+C, `service stop`) ends the supervisor too.
// On Windows the gateway is in the supervisor's job object, so ending the task ends both.
import type { Subprocess } from "bun";
import type { Logger } from "../log";
import { requestStop, takeCleanStop, takeStopRequest } from "./stop-request";

export interface Backoff {
  firstMs: number;
  maxMs: number;
  /** A run at least this long counts as healthy: the next pause starts from firstMs again. */
  stableMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { firstMs: 1000, maxMs: 60_000, stableMs: 60_000 };

export interface SupervisorOptions {
  /** The gateway's command line. */
  command: string[];
  dataDir: string;
  log: Logger;
  backoff?: Backoff;
}

export interface Supervisor {
  /** Resolves with 0 when the gateway stopped cleanly or a stop was asked for. */
  done: Promise<number>;
  /** Stops the supervision: the running gateway is asked to stop (SIGTERM), and not started again. */
  stop(signal: string): void;
}

export function superviseGateway(options: SupervisorOptions): Supervisor {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  let child: Subprocess | undefined;
  let stopping = false;
  let wake = () => {};
  const done = (async () => {
    let pause = backoff.firstMs;
    for (;;) {
      const started = Date.now();
      takeCleanStop(options.dataDir);
      child = Bun.spawn(options.command, { stdin: "ignore", stdout: "inherit", stderr: "inherit" });
      options.log.info("started the gateway", { pid: child.pid });
      const code = await child.exited;
      const ranMs = Date.now() - started;
      if (takeCleanStop(options.dataDir) || stopping) {
        options.log.info("the gateway stopped", { pid: child.pid, code });
        return 0;
      }
      if (ranMs >= backoff.stableMs) pause = backoff.firstMs;
      options.log.warn("the gateway ended unexpectedly; starting it again", { pid: child.pid, code, signal: child.signalCode ?? undefined, ranSeconds: Math.round(ranMs / 1000), inSeconds: pause / 1000 });
      // Until the next start, a `service stop` has no gateway to take its request: the supervisor takes it.
      const asked = await new Promise<boolean>((resolve) => {
        // Asked while this gateway ran, and it ended before taking the request: taken here.
        if (takeStopRequest(options.dataDir, started)) return resolve(true);
        const poll = setInterval(() => {
          if (takeStopRequest(options.dataDir, started)) finish(true);
        }, 250);
        const timer = setTimeout(() => finish(false), pause);
        const finish = (stop: boolean) => {
          clearInterval(poll);
          clearTimeout(timer);
          resolve(stop);
        };
        wake = () => finish(true);
      });
      if (asked || stopping) {
        options.log.info("stopped while waiting to start the gateway again");
        return 0;
      }
      pause = Math.min(pause * 2, backoff.maxMs);
    }
  })();
  return {
    done,
    stop(signal) {
      if (stopping) return;
      stopping = true;
      options.log.info("stopping", { signal });
      wake();
      if (!child || child.exitCode !== null) return;
      // Windows has no SIGTERM (Bun's kill would terminate at once): the gateway's own stop request instead.
      if (process.platform === "win32") requestStop(options.dataDir);
      else child.kill("SIGTERM");
    },
  };
}
