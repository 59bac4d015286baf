// One poll loop for the cluster's subscriptions: every gateway says which WorkSpaces its subscribers watch (a set in
// Redis, renewed every half interval), one gateway holds a lease and polls the union of them, and it publishes what
// changed on a channel every gateway listens to. The lease lives 1.5 intervals and is renewed every half interval, so
// when its holder dies another gateway takes it within two intervals. While Redis is unreachable, each gateway polls
// its own. Our own pub/sub rather than @graphql-yoga/redis-event-target: that carries yoga's pubsub topics, where
// this is one channel beside a lease and a registry, and it would hold ioredis back a major version.
import { Gauge } from "prom-client";
import type { WorkspaceShape } from "../../aws/workspaces.ts";
import { registry } from "../../metrics.ts";
import type { SharedRedis } from "../redis.ts";
import type { WatchCluster, WatchEvent, WatchMember, WatchRole } from "./watch-lease.ts";

// A gateway's step: records its watched IDs and that it is alive (KEYS[1] the gateways, KEYS[2] its set), takes or
// renews the lease (KEYS[3]), and as holder, answers the IDs the other live gateways watch: {holding, ids...}.
// ARGV: ttl (ms), this gateway, the prefix of the gateways' sets, then its IDs.
const STEP = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl, me, prefix = tonumber(ARGV[1]), ARGV[2], ARGV[3]
redis.call('DEL', KEYS[2])
for i = 4, #ARGV, 1000 do redis.call('SADD', KEYS[2], unpack(ARGV, i, math.min(i + 999, #ARGV))) end
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('ZADD', KEYS[1], now, me)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ttl)
redis.call('PEXPIRE', KEYS[1], ttl)
local holder = redis.call('GET', KEYS[3])
if holder == me then
  redis.call('PEXPIRE', KEYS[3], ttl)
elseif not holder then
  redis.call('SET', KEYS[3], me, 'PX', ttl)
else
  return {0}
end
local answer, seen = {1}, {}
for _, other in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if other ~= me then
    for _, id in ipairs(redis.call('SMEMBERS', prefix .. other)) do
      if not seen[id] then
        seen[id] = true
        answer[#answer + 1] = id
      end
    end
  end
end
return answer
`;

// A gateway leaving: its IDs, its place among the gateways, and the lease if it holds it (so another takes it at once).
const LEAVE = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])
if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
return 1
`;

interface Message {
  /** The gateway that sent it, which ignores its own. */
  from: string;
  events?: WatchEvent[];
  created?: WorkspaceShape;
}

const watches = new Set<ClusterWatch>();
new Gauge({
  name: "workspaces_watch_lease_held",
  help: "1 while this gateway holds the lease of the cluster's poll loop (it polls for every gateway), else 0.",
  registers: [registry],
  collect() {
    for (const watch of watches) this.set(watch.role() === "holder" ? 1 : 0);
  },
});

export class ClusterWatch implements WatchCluster {
  private member: WatchMember | undefined;
  private holding = false;
  private others: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopListening = () => {};
  private readonly step: (keys: string[], args: (string | number)[]) => Promise<[number, ...string[]]>;
  private readonly leave: (keys: string[], args: (string | number)[]) => Promise<number>;
  private readonly keys: { gateways: string; watched: string; lease: string; channel: string; watchedPrefix: string };

  constructor(
    private readonly shared: SharedRedis,
    private readonly options: { intervalMs: number },
  ) {
    // One loop for every partition: the IDs carry theirs.
    const tag = "watch";
    const watchedPrefix = shared.key(tag, "watched", "");
    this.keys = {
      gateways: shared.key(tag, "gateways"),
      watched: `${watchedPrefix}${shared.instanceId}`,
      lease: shared.key(tag, "lease"),
      channel: shared.key(tag, "news"),
      watchedPrefix,
    };
    this.step = shared.script("gatewayWatchStep", 3, STEP);
    this.leave = shared.script("gatewayWatchLeave", 3, LEAVE);
    watches.add(this);
  }

  attach(member: WatchMember): void {
    this.member = member;
    const hear = (channel: string, text: string) => {
      if (channel === this.keys.channel) this.hear(JSON.parse(text) as Message);
    };
    this.shared.subscriber.on("message", hear);
    void this.shared.subscriber.subscribe(this.keys.channel).catch(() => {});
    const unwatch = this.shared.onChange(() => void this.beat());
    this.stopListening = () => {
      unwatch();
      this.shared.subscriber.off("message", hear);
    };
    this.timer = setInterval(() => void this.beat(), this.options.intervalMs / 2).unref();
    void this.beat();
  }

  role(): WatchRole {
    if (!this.shared.up) return "alone";
    return this.holding ? "holder" : "follower";
  }

  othersWatched(): readonly string[] {
    return this.others;
  }

  publish(events: WatchEvent[]): void {
    this.send({ from: this.shared.instanceId, events });
  }

  shareCreated(workspace: WorkspaceShape): void {
    this.send({ from: this.shared.instanceId, created: workspace });
  }

  /** Leaves the cluster: gives the lease up at once, so another gateway polls without waiting for it to run out. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.stopListening();
    watches.delete(this);
    this.holding = false;
    const { gateways, watched, lease } = this.keys;
    await this.shared.use("watch", () => this.leave([gateways, watched, lease], [this.shared.instanceId])).catch(() => {});
  }

  private send(message: Message): void {
    if (!this.shared.up) return;
    void this.shared.use("watch", () => this.shared.client.publish(this.keys.channel, JSON.stringify(message))).catch(() => {});
  }

  private hear(message: Message): void {
    if (message.from === this.shared.instanceId || !this.member) return;
    for (const event of message.events ?? []) this.member.receive(event);
    if (message.created) this.member.created(message.created);
  }

  private async beat(): Promise<void> {
    const member = this.member;
    if (!member) return;
    const ttl = Math.ceil(this.options.intervalMs * 1.5);
    const { gateways, watched, lease, watchedPrefix } = this.keys;
    try {
      const [holding, ...others] = await this.shared.use("watch", () =>
        this.step([gateways, watched, lease], [ttl, this.shared.instanceId, watchedPrefix, ...member.watched()]),
      );
      this.holding = holding === 1;
      this.others = others;
    } catch {
      this.holding = false;
      this.others = [];
    }
    member.wake();
  }
}
