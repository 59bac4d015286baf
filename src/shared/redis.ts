// The Redis (or Valkey) that gateways behind one load balancer share their state through: one connection for commands
// and one for pub/sub, whether it answers now (every shared piece falls back to local state while it does not), and
// which gateways are alive (a heartbeat each), so a gateway on its own knows what share of the AWS budget is its own.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { Counter, Gauge } from "prom-client";
import type { Logger } from "../logger.ts";
import { registry } from "../metrics.ts";

/** What the shared state is used for, as counted in metrics when Redis fails it. */
export type SharedUse = "budget" | "quota" | "idempotency" | "bundles" | "watch" | "heartbeat";

/** Thrown when Redis cannot be used now: callers fall back to local state, or refuse what they cannot do without it. */
export class SharedStateDown extends Error {
  override readonly name = "SharedStateDown";
}

const HEARTBEAT_MS = 1_000;
/** A gateway not heard of for this long is gone. */
const ALIVE_MS = 3 * HEARTBEAT_MS;

const failures = new Counter({
  name: "workspaces_redis_failures_total",
  help: "Operations on the shared state (Redis) that failed, so the gateway used its local fallback or refused, by use.",
  labelNames: ["use"] as const,
  registers: [registry],
});

const links = new Set<SharedRedis>();
new Gauge({
  name: "workspaces_redis_up",
  help: "1 while Redis answers and state is shared with the other gateways; 0 while this gateway runs on local fallbacks.",
  registers: [registry],
  collect() {
    for (const link of links) this.set(link.up ? 1 : 0);
  },
});
new Gauge({
  name: "workspaces_cluster_instances",
  help: "Gateways alive in the cluster, as last seen in Redis (this one included).",
  registers: [registry],
  collect() {
    for (const link of links) this.set(link.instances);
  },
});

// Heartbeat: this gateway is alive now; answers how many are (each seen within ALIVE_MS), on Redis's one clock.
const HEARTBEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return redis.call('ZCARD', KEYS[1])
`;

export class SharedRedis {
  /** For commands: fails at once while disconnected (no queue), so a fallback is never late. */
  readonly client: Redis;
  /** For pub/sub only, as Redis requires of a subscribed connection. */
  readonly subscriber: Redis;
  readonly instanceId = randomUUID();
  /** Gateways alive at the last heartbeat (this one included); kept while Redis is down, for the local share. */
  instances = 1;
  private healthy = false;
  private readonly listeners = new Set<(up: boolean) => void>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly beat: (keys: string[], args: (string | number)[]) => Promise<number>;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly logger: Logger,
    /** The longest a command may take: a Redis that hangs (not only one that is gone) must not hold requests up. */
    commandTimeoutMs = 1_000,
  ) {
    const options = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: commandTimeoutMs,
      connectTimeout: 2_000,
      retryStrategy: (attempt: number) => Math.min(100 * attempt, 1_000),
    };
    this.client = new Redis(url, options);
    // Subscriptions made while disconnected wait for the connection however long, and come back after each reconnect.
    this.subscriber = new Redis(url, { ...options, enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: undefined });
    for (const connection of [this.client, this.subscriber]) connection.on("error", () => {});
    this.client.on("ready", () => void this.pulse());
    this.client.on("close", () => this.mark(false, new Error("connection closed")));
    this.beat = this.script<number>("gatewayHeartbeat", 1, HEARTBEAT);
    this.heartbeat = setInterval(() => void this.pulse(), HEARTBEAT_MS).unref();
    links.add(this);
  }

  /** Whether shared state can be used now. */
  get up(): boolean {
    return this.healthy && this.client.status === "ready";
  }

  /** A Redis key (or channel) of this deployment; `{tag}` keeps a script's keys in one slot of a Redis Cluster. */
  key(tag: string, ...parts: string[]): string {
    return [`${this.prefix}{${tag}}`, ...parts].join(":");
  }

  /** Resolves once Redis answered, or after `ms` (the gateway then starts on its local fallbacks). */
  async started(ms: number): Promise<boolean> {
    if (this.up) return true;
    const answered = new Promise<boolean>((resolve) => this.onChange((up) => up && resolve(true)));
    return Promise.race([answered, new Promise<boolean>((resolve) => setTimeout(resolve, ms, false).unref())]);
  }

  /** Runs `op` on Redis, or throws SharedStateDown at once while it is unreachable; a failure is counted and logged. */
  async use<T>(use: SharedUse, op: () => Promise<T>): Promise<T> {
    if (!this.up) {
      failures.inc({ use });
      throw new SharedStateDown("Redis is unreachable");
    }
    try {
      return await op();
    } catch (error) {
      failures.inc({ use });
      this.mark(false, error as Error);
      throw new SharedStateDown((error as Error).message);
    }
  }

  /** A Lua script, loaded once and run by its digest (sent again whole after Redis restarts). */
  script<T>(name: string, keys: number, lua: string): (keys: string[], args: (string | number)[]) => Promise<T> {
    this.client.defineCommand(name, { numberOfKeys: keys, lua });
    const command = (this.client as unknown as Record<string, (...args: (string | number)[]) => Promise<T>>)[name]!.bind(this.client);
    return (keyNames, args) => command(...keyNames, ...args);
  }

  /** Calls `listener` whenever Redis becomes reachable or unreachable. */
  onChange(listener: (up: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    clearInterval(this.heartbeat);
    links.delete(this);
    this.listeners.clear();
    // Closing on purpose is no outage to report.
    this.client.removeAllListeners("close");
    this.client.disconnect();
    this.subscriber.disconnect();
  }

  private async pulse(): Promise<void> {
    if (this.client.status !== "ready") return;
    try {
      this.instances = Math.max(1, await this.beat([this.key("gateways", "alive")], [this.instanceId, ALIVE_MS]));
      this.mark(true);
    } catch (error) {
      failures.inc({ use: "heartbeat" });
      this.mark(false, error as Error);
    }
  }

  private mark(up: boolean, error?: Error): void {
    if (up === this.healthy) return;
    this.healthy = up;
    if (up) this.logger.info({ instances: this.instances }, "Redis reachable: state is shared with the other gateways");
    else
      this.logger.warn(
        { err: error, instances: this.instances },
        "Redis unreachable: this gateway runs on local fallbacks (its share of the AWS budget, its own poll loop) and refuses keyed creates",
      );
    for (const listener of this.listeners) listener(up);
  }
}
