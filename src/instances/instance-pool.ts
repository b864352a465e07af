// Every feature-app instance of this gateway: one per user, started on first use, culled when
// idle, restarted with backoff after a crash, failed after repeated crashes, capped in number,
// with pre-started spares for fast first visits and a limit on how many start at once.
import { and, eq, gt, inArray, isNotNull, ne, or } from "drizzle-orm";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Database } from "../db/open";
import { instanceRecords, instanceStarts, users } from "../db/schema";
import { createLogger } from "../log";
import { type AppHealth, FeatureAppProcess, type InstanceUser, TOKEN_HEADER, settlesWithin } from "./feature-app-process";
import type { NodeIdentity } from "./node-identity";
import { isPortFree } from "./port-check";
import { RotatingLog } from "./rotating-log";
import { Semaphore } from "./semaphore";
import { HangWatch, UNRESPONSIVE_ERROR } from "./hang-watch";

const log = createLogger("instances");

export type InstanceState = "starting" | "running" | "stopping" | "stopped" | "failed";

export interface PoolOptions {
  db: Database;
  dataDir: string;
  /** This gateway: its records in the shared database are its own, and only those it adopts or stops. */
  node: NodeIdentity;
  appEnv: Record<string, string>;
  ports: { first: number; last: number };
  idleMs: number;
  readyWaitMs: number;
  maxInstances: number;
  spares: number;
  startConcurrency: number;
  memoryLimitBytes: number;
  /** How often health is sampled (memory, CPU, sockets). */
  sampleMs?: number;
  /** A start that is not ready within this is a failed start. */
  startTimeoutMs?: number;
  /** Health checks unanswered this long (3 at least) mean the instance hangs: it is killed and restarted. */
  hangMs?: number;
  /** Called when something the admin should know about happens (memory restarts, failures). */
  onAlert?: (message: string, fields: Record<string, unknown>) => void;
}

export interface PoolUser extends InstanceUser {
  id: number;
}

/** What the console shows of an instance. */
export interface InstanceInfo {
  key: string;
  /** The host name of the gateway that runs it. */
  node: string;
  /** Run by this gateway (the console can stop or restart only those). */
  local: boolean;
  userId: number | null;
  userName: string;
  port: number;
  pid: number | null;
  state: InstanceState;
  startedAt: Date | null;
  readyMs: number | null;
  restarts: number;
  lastError: string | null;
  lastActivityAt: Date;
  openWebSockets: number;
  rssBytes: number | null;
  cpuPercent: number | null;
}

/** A user's app that is up: what "feature apps running" counts (a spare waiting for its user is not one). */
export const isRunningUserApp = (instance: InstanceInfo) => instance.state === "running" && instance.userId !== null;

class Instance {
  process: FeatureAppProcess | null = null;
  state: InstanceState = "starting";
  token = randomBytes(32).toString("base64url");
  startedAt: Date | null = null;
  readyMs: number | null = null;
  restarts = 0;
  crashTimes: number[] = [];
  lastError: string | null = null;
  /** On the monotonic clock (performance.now()): a wall-clock jump must not make every instance look idle. */
  lastActivity = performance.now();
  openSockets = 0;
  health: AppHealth | null = null;
  cpuPercent: number | null = null;
  overMemorySamples = 0;
  /** Settles when the current start attempt is over (ready or not). */
  ready: Promise<void> = Promise.resolve();
  restartTimer: Timer | null = null;

  constructor(
    public key: string,
    public user: PoolUser | null,
    public port: number,
  ) {}
}

export class PoolFullError extends Error {}
export class InstanceFailedError extends Error {}
export class InstanceStartingError extends Error {}

const CRASH_WINDOW_MS = 5 * 60_000;
const CRASHES_BEFORE_FAILED = 5;
const MEMORY_SAMPLES_BEFORE_RESTART = 3;

export class InstancePool {
  private readonly byUser = new Map<number, Instance>();
  private readonly spares: Instance[] = [];
  private readonly startSlots: Semaphore;
  private readonly logs = new Map<string, RotatingLog>();
  /** Ports being checked for a start right now: two starts at once must not both choose one. */
  private readonly probing = new Set<number>();
  private timers: Timer[] = [];
  private spareSeq = 0;
  private closing = false;
  private readonly hangs = new HangWatch(() => this.options.hangMs ?? 30_000);

  constructor(private readonly options: PoolOptions) {
    this.startSlots = new Semaphore(options.startConcurrency);
  }

  /** Stops whatever a previous gateway left running, then fills the spares and starts the timers. */
  async start(): Promise<void> {
    await this.stopLeftovers();
    const sampleMs = this.options.sampleMs ?? 5000;
    this.timers.push(setInterval(() => void this.sample(), sampleMs));
    this.timers.push(setInterval(() => void this.cullIdle(), Math.min(10_000, Math.max(250, this.options.idleMs / 4))));
    this.replenishSpares();
  }

  /**
   * The user's instance, ready to serve. Starts it (once, however many requests ask at the same
   * time) if needed; waits up to readyWaitMs, then throws InstanceStartingError while it goes on
   * starting in the background.
   */
  async acquire(user: PoolUser): Promise<InstanceInfo> {
    let instance = this.byUser.get(user.id);
    if (instance?.state === "failed") throw new InstanceFailedError(instance.lastError ?? "failed");
    if (instance?.state === "stopping") await instance.ready;
    if (!instance || instance.state === "stopped" || instance.state === "stopping") instance = this.launch(user);
    if (instance.state !== "running") {
      await settlesWithin(instance.ready, this.options.readyWaitMs);
      // Read again: the state moved on while we waited.
      const { state, lastError } = this.info(instance);
      if (state === "failed") throw new InstanceFailedError(lastError ?? "failed");
      if (state !== "running") throw new InstanceStartingError("starting");
    }
    return this.info(instance);
  }

  /** Where the proxy sends this user's traffic, with the token it must add. Only for a running instance. */
  target(userId: number): { port: number; token: string } | undefined {
    const instance = this.byUser.get(userId);
    return instance?.state === "running" ? { port: instance.port, token: instance.token } : undefined;
  }

  /** Successful traffic keeps an instance alive; errors do not. */
  touch(userId: number): void {
    const instance = this.byUser.get(userId);
    if (instance) instance.lastActivity = performance.now();
  }

  socketOpened(userId: number): void {
    const instance = this.byUser.get(userId);
    if (instance) instance.openSockets++;
  }

  socketClosed(userId: number): void {
    const instance = this.byUser.get(userId);
    if (instance) {
      instance.openSockets = Math.max(0, instance.openSockets - 1);
      instance.lastActivity = performance.now();
    }
  }

  list(): InstanceInfo[] {
    return [...this.byUser.values(), ...this.spares].map((instance) => this.info(instance));
  }

  get(userId: number): InstanceInfo | undefined {
    const instance = this.byUser.get(userId);
    return instance ? this.info(instance) : undefined;
  }

  logTail(userId: number, lines = 200): string[] {
    const instance = this.byUser.get(userId);
    return instance ? this.logFor(instance.key).tail(lines) : [];
  }

  async stop(userId: number, reason: string): Promise<void> {
    const instance = this.byUser.get(userId);
    if (instance) await this.stopInstance(instance, reason);
  }

  /** The admin's restart counts as one, like a crash's (a spare may take over, on its own port). */
  async restart(user: PoolUser, reason: string): Promise<void> {
    const restarts = this.byUser.get(user.id)?.restarts ?? 0;
    await this.stop(user.id, reason);
    const instance = this.launch(user);
    await instance.ready;
    instance.restarts = restarts + 1;
    await this.persist(instance);
  }

  /** After "failed": forget the crashes and try again. */
  async retry(user: PoolUser): Promise<void> {
    const instance = this.byUser.get(user.id);
    if (instance) instance.crashTimes = [];
    if (instance?.state === "failed") instance.state = "stopped";
    await this.launch(user).ready;
  }

  /** Clean shutdown: every instance stopped gracefully, in parallel. */
  async shutdown(): Promise<void> {
    this.closing = true;
    for (const timer of this.timers) clearInterval(timer);
    const all = [...this.byUser.values(), ...this.spares];
    // Starts under way finish first, so that no process is spawned after it was stopped.
    await Promise.all(all.map((instance) => settlesWithin(instance.ready, 15_000)));
    await Promise.all(all.map((instance) => this.stopInstance(instance, "gateway stopping")));
  }

  private running(): number {
    return [...this.byUser.values(), ...this.spares].filter((i) => i.state === "starting" || i.state === "running" || i.state === "stopping")
      .length;
  }

  /** Synchronous up to the point where the user's entry exists, so concurrent callers share one start. */
  private launch(user: PoolUser): Instance {
    const previous = this.byUser.get(user.id);
    if (previous && (previous.state === "starting" || previous.state === "running")) return previous;
    // The admin's instance has its own port, the pool's first, so it never takes a spare.
    const spare = user.role === "admin" ? undefined : this.spares.find((s) => s.state === "running");
    if (spare) {
      this.spares.splice(this.spares.indexOf(spare), 1);
      // From now on the spare's output belongs in the user's log.
      const spareLog = this.logs.get(spare.key);
      this.logs.delete(spare.key);
      spare.key = `user:${user.id}`;
      if (spareLog) {
        spareLog.moveTo(this.logPath(spare.key));
        this.logs.set(spare.key, spareLog);
      }
      spare.user = user;
      spare.state = "starting";
      spare.lastActivity = performance.now();
      this.byUser.set(user.id, spare);
      spare.ready = this.claimSpare(spare, user, previous);
      this.replenishSpares();
      return spare;
    }
    if (this.running() >= this.options.maxInstances) throw new PoolFullError(`${this.options.maxInstances} instances are running`);
    const instance = previous ?? new Instance(`user:${user.id}`, user, 0);
    instance.user = user;
    instance.state = "starting";
    instance.lastActivity = performance.now();
    this.byUser.set(user.id, instance);
    instance.ready = this.coldStart(instance, previous ? "restart" : "cold");
    return instance;
  }

  private async claimSpare(spare: Instance, user: PoolUser, previous: Instance | undefined): Promise<void> {
    const started = performance.now();
    try {
      const response = await fetch(`http://127.0.0.1:${spare.port}/app/_claim`, {
        method: "POST",
        headers: { [TOKEN_HEADER]: spare.token, "content-type": "application/json" },
        body: JSON.stringify({ user: user.name, displayName: user.displayName, role: user.role }),
        signal: AbortSignal.timeout(5000),
      });
      if (!response.ok) throw new Error(`claim answered ${response.status}`);
      spare.state = "running";
      spare.restarts = previous?.restarts ?? 0;
      spare.readyMs = Math.round(performance.now() - started);
      await this.recordStart(user.id, "spare", spare.readyMs, "ready");
      await this.persist(spare);
      log.info("spare claimed", { user: user.name, port: spare.port, readyMs: spare.readyMs });
    } catch (error) {
      log.warn("could not claim a spare; starting a new instance", { user: user.name, error });
      spare.state = "stopping"; // so its exit is not taken for a crash
      await spare.process?.stop(1000);
      spare.process = null;
      spare.state = "starting";
      await this.coldStart(spare, "cold");
    }
  }

  private async coldStart(instance: Instance, kind: "cold" | "restart"): Promise<void> {
    const release = await this.startSlots.acquire();
    try {
      if (this.closing) return;
      await this.assignPort(instance);
      instance.token = randomBytes(32).toString("base64url");
      const started = performance.now();
      instance.startedAt = new Date();
      instance.process = FeatureAppProcess.spawn({
        port: instance.port,
        token: instance.token,
        user: instance.user ?? undefined,
        log: this.logFor(instance.key),
        appEnv: this.options.appEnv,
      });
      const child = instance.process;
      void child.exited.then((code) => this.onExit(instance, child, code));
      await this.persist(instance);
      try {
        await child.waitReady(this.options.startTimeoutMs ?? 60_000);
      } catch (error) {
        instance.lastError = (error as Error).message;
        await child.stop(1000);
        await this.recordStart(instance.user?.id ?? null, kind, null, "failed");
        return; // onExit counts it as a crash and decides what comes next
      }
      if (instance.process !== child || instance.state !== "starting") return;
      instance.state = "running";
      instance.readyMs = Math.round(performance.now() - started);
      instance.lastActivity = performance.now();
      await this.recordStart(instance.user?.id ?? null, kind, instance.readyMs, "ready");
      await this.persist(instance);
      log.info("instance ready", { user: instance.user?.name ?? "(spare)", port: instance.port, pid: child.pid, readyMs: instance.readyMs });
    } finally {
      release();
    }
  }

  /** An exit we did not ask for is a crash: restart with backoff, or give up after too many. */
  private async onExit(instance: Instance, child: FeatureAppProcess, code: number): Promise<void> {
    if (instance.process !== child) return;
    instance.process = null;
    instance.health = null;
    instance.openSockets = 0;
    if (instance.state === "stopping" || instance.state === "stopped" || this.closing) return;
    const now = performance.now();
    instance.crashTimes = [...instance.crashTimes.filter((t) => now - t < CRASH_WINDOW_MS), now];
    instance.restarts++;
    instance.lastError ??= `exited with code ${code}`;
    log.warn("instance exited unexpectedly", { user: instance.user?.name ?? "(spare)", code, crashes: instance.crashTimes.length });
    if (!instance.user) {
      this.spares.splice(this.spares.indexOf(instance), 1);
      instance.state = "stopped";
      await this.persist(instance);
      this.replenishSpares();
      return;
    }
    if (instance.crashTimes.length >= CRASHES_BEFORE_FAILED) {
      instance.state = "failed";
      instance.lastError = `crashed ${instance.crashTimes.length} times in 5 minutes; last: ${instance.lastError}`;
      await this.persist(instance);
      this.options.onAlert?.("a feature app keeps crashing and was marked failed", { user: instance.user.name, error: instance.lastError });
      return;
    }
    instance.state = "starting";
    const backoff = Math.min(30_000, 500 * 2 ** (instance.crashTimes.length - 1));
    instance.ready = new Promise((resolve) => {
      instance.restartTimer = setTimeout(() => {
        instance.restartTimer = null;
        instance.lastError = null;
        this.coldStart(instance, "restart").then(resolve, resolve);
      }, backoff);
    });
    await this.persist(instance);
  }

  private async stopInstance(instance: Instance, reason: string): Promise<void> {
    if (instance.restartTimer) clearTimeout(instance.restartTimer);
    instance.restartTimer = null;
    if (instance.state === "stopped") return;
    const wasFailed = instance.state === "failed";
    instance.state = "stopping";
    const child = instance.process;
    const stopped = (async () => {
      await child?.stop();
      instance.process = null;
      instance.state = wasFailed ? "failed" : "stopped";
      instance.openSockets = 0;
      instance.health = null;
      await this.persist(instance);
    })();
    instance.ready = stopped;
    log.info("stopping instance", { user: instance.user?.name ?? "(spare)", port: instance.port, reason });
    await stopped;
  }

  private replenishSpares(): void {
    if (this.closing) return;
    while (this.spares.length < this.options.spares && this.running() < this.options.maxInstances) {
      const spare = new Instance(`spare:${++this.spareSeq}`, null, 0);
      this.spares.push(spare);
      spare.ready = this.coldStart(spare, "cold");
    }
  }

  private async cullIdle(): Promise<void> {
    const now = performance.now();
    for (const instance of this.byUser.values()) {
      if (instance.state === "running" && instance.openSockets === 0 && now - instance.lastActivity > this.options.idleMs) {
        await this.stopInstance(instance, "idle");
      }
    }
  }

  /** Health of every running instance: memory, CPU, sockets; the memory limit is enforced here. */
  private async sample(): Promise<void> {
    for (const instance of [...this.byUser.values(), ...this.spares]) {
      const child = instance.process;
      if (instance.state !== "running" || !child) continue;
      const health = await child.health();
      if (!health) {
        if (this.hangs.missed(instance.key) && instance.process === child) this.killHung(instance, child);
        continue;
      }
      this.hangs.answered(instance.key);
      const previous = instance.health;
      if (previous && health.uptimeSeconds > previous.uptimeSeconds) {
        instance.cpuPercent = Math.round(((health.cpuSeconds - previous.cpuSeconds) / (health.uptimeSeconds - previous.uptimeSeconds)) * 1000) / 10;
      }
      instance.health = health;
      const limit = this.options.memoryLimitBytes;
      instance.overMemorySamples = limit > 0 && health.rssBytes > limit ? instance.overMemorySamples + 1 : 0;
      if (instance.overMemorySamples >= MEMORY_SAMPLES_BEFORE_RESTART && instance.user) {
        const message = `memory limit exceeded (${Math.round(health.rssBytes / 2 ** 20)} MB > ${Math.round(limit / 2 ** 20)} MB)`;
        this.options.onAlert?.("a feature app went over its memory limit and was restarted", { user: instance.user.name, message });
        instance.overMemorySamples = 0;
        const user = instance.user;
        await this.stopInstance(instance, message);
        instance.lastError = message;
        instance.restarts++;
        this.launch(user);
      }
    }
    await this.persistActivity();
  }

  /** Kills an instance that stopped answering; its exit is then handled as a crash (restart with backoff). */
  private killHung(instance: Instance, child: FeatureAppProcess): void {
    instance.lastError = UNRESPONSIVE_ERROR;
    const fields = { user: instance.user?.name ?? "(spare)", port: instance.port, pid: child.pid };
    log.warn("instance is not answering its health checks; killing it to restart it", fields);
    this.options.onAlert?.("a feature app stopped answering and was restarted", fields);
    child.kill();
  }

  /** Gives the instance a free port; the choice is made and recorded in one step, after the check. */
  private async assignPort(instance: Instance): Promise<void> {
    const { first, last } = this.options.ports;
    const candidates: number[] = [];
    if (instance.user?.role === "admin") candidates.push(first);
    if (instance.port) candidates.push(instance.port); // a user keeps their port while it is free
    for (let port = first + 1; port <= last; port++) candidates.push(port);
    for (const port of candidates) {
      if (this.portTaken(port, instance)) continue;
      this.probing.add(port);
      const free = await isPortFree(port).finally(() => this.probing.delete(port));
      // Asked again after the wait: another start may have chosen it meanwhile.
      if (free && !this.portTaken(port, instance)) {
        instance.port = port;
        return;
      }
    }
    throw new PoolFullError(`no free port in ${first}-${last}`);
  }

  private portTaken(port: number, instance: Instance): boolean {
    if (this.probing.has(port)) return true;
    for (const other of [...this.byUser.values(), ...this.spares]) {
      if (other !== instance && other.state !== "stopped" && other.port === port) return true;
    }
    return false;
  }

  private logPath(key: string): string {
    return join(this.options.dataDir, "logs", "instances", `${key.replace(":", "-")}.log`);
  }

  private logFor(key: string): RotatingLog {
    let file = this.logs.get(key);
    if (!file) {
      file = new RotatingLog(this.logPath(key));
      this.logs.set(key, file);
    }
    return file;
  }

  private info(instance: Instance): InstanceInfo {
    return {
      key: instance.key,
      node: this.options.node.name,
      local: true,
      userId: instance.user?.id ?? null,
      userName: instance.user?.name ?? "",
      port: instance.port,
      pid: instance.process?.pid ?? null,
      state: instance.state,
      startedAt: instance.startedAt,
      readyMs: instance.readyMs,
      restarts: instance.restarts,
      lastError: instance.lastError,
      lastActivityAt: wallClockOf(instance.lastActivity),
      openWebSockets: instance.openSockets,
      rssBytes: instance.health?.rssBytes ?? null,
      cpuPercent: instance.cpuPercent,
    };
  }

  private async persist(instance: Instance): Promise<void> {
    const { key, userId, port, pid, state, startedAt, readyMs, restarts, lastError, lastActivityAt } = this.info(instance);
    const { id: nodeId, name: nodeName } = this.options.node;
    const values = { nodeId, nodeName, key, userId, port, pid, state, startedAt, readyMs, restarts, lastError, lastActivityAt, updatedAt: new Date() };
    try {
      await this.options.db
        .insert(instanceRecords)
        .values(values)
        .onConflictDoUpdate({ target: [instanceRecords.nodeId, instanceRecords.key], set: values });
    } catch (error) {
      log.warn("could not record instance state", { key: instance.key, error });
    }
  }

  /** Also the heartbeat that tells other gateways' consoles this gateway's records are current. */
  private async persistActivity(): Promise<void> {
    await this.options.db
      .update(instanceRecords)
      .set({ updatedAt: new Date() })
      .where(and(eq(instanceRecords.nodeId, this.options.node.id), ne(instanceRecords.state, "stopped")));
    for (const instance of this.byUser.values()) {
      if (instance.state === "running") {
        await this.options.db
          .update(instanceRecords)
          .set({ lastActivityAt: wallClockOf(instance.lastActivity), updatedAt: new Date() })
          .where(and(eq(instanceRecords.nodeId, this.options.node.id), eq(instanceRecords.key, instance.key)));
      }
    }
  }

  private async recordStart(userId: number | null, kind: "cold" | "spare" | "restart", readyMs: number | null, outcome: "ready" | "failed") {
    try {
      await this.options.db.insert(instanceStarts).values({ userId, kind, readyMs, outcome });
    } catch (error) {
      log.warn("could not record an instance start", { error });
    }
  }

  /**
   * Processes recorded by this gateway's previous run are stopped, never left running unseen.
   * Only this node's records (and those from before node ids, when one gateway was all there
   * was): another gateway on the same database runs its own, and they are not ours to stop.
   */
  private async stopLeftovers(): Promise<void> {
    const ours = this.ownRecords();
    const leftovers = await this.options.db
      .select()
      .from(instanceRecords)
      .where(and(ours, isNotNull(instanceRecords.pid), inArray(instanceRecords.state, ["starting", "running", "stopping"])));
    for (const record of leftovers) {
      if (record.pid && isOurFeatureApp(record.pid)) {
        log.warn("stopping a feature app left by the previous gateway run", { pid: record.pid, key: record.key });
        try {
          process.kill(record.pid, "SIGTERM");
          await Bun.sleep(500);
          if (isOurFeatureApp(record.pid)) process.kill(record.pid, "SIGKILL");
        } catch {
          // it went away on its own
        }
      }
    }
    await this.options.db.update(instanceRecords).set({ state: "stopped", pid: null, updatedAt: new Date() }).where(ours);
  }

  private ownRecords() {
    return or(eq(instanceRecords.nodeId, this.options.node.id), eq(instanceRecords.nodeId, ""));
  }

  /**
   * This gateway's instances and the user instances other gateways on the same database report
   * running (their records are refreshed every sampling tick; one silent for a minute is gone).
   */
  async listAllNodes(): Promise<InstanceInfo[]> {
    const silentAfter = new Date(Date.now() - Math.max(60_000, 4 * (this.options.sampleMs ?? 5000)));
    const others = await this.options.db
      .select({ record: instanceRecords, userName: users.name })
      .from(instanceRecords)
      .innerJoin(users, eq(users.id, instanceRecords.userId))
      .where(
        and(
          ne(instanceRecords.nodeId, this.options.node.id),
          ne(instanceRecords.nodeId, ""),
          inArray(instanceRecords.state, ["starting", "running", "stopping", "failed"]),
          gt(instanceRecords.updatedAt, silentAfter),
        ),
      );
    return [
      ...this.list(),
      ...others.map(({ record, userName }) => ({
        key: record.key,
        node: record.nodeName,
        local: false,
        userId: record.userId,
        userName,
        port: record.port,
        pid: record.pid,
        state: record.state,
        startedAt: record.startedAt,
        readyMs: record.readyMs,
        restarts: record.restarts,
        lastError: record.lastError,
        lastActivityAt: record.lastActivityAt ?? record.updatedAt,
        openWebSockets: 0,
        rssBytes: null,
        cpuPercent: null,
      })),
    ];
  }
}

/**
 * Whether a recorded pid is still one of our feature apps (and not a recycled pid). Linux can
 * tell from /proc; elsewhere we do not guess: on Windows the children die with the gateway.
 */
function isOurFeatureApp(pid: number): boolean {
  if (process.platform !== "linux") return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").includes("feature-app");
  } catch {
    return false;
  }
}

/** A moment on the monotonic clock as the wall clock shows it now (for the console and the records). */
function wallClockOf(monotonic: number): Date {
  return new Date(Date.now() - (performance.now() - monotonic));
}
