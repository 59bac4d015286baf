// createWorkspaces results by idempotency key for the whole cluster, in Redis: a key's first run claims it atomically
// (a lease, renewed while it runs), a repeat on any gateway waits for its result (IN_PROGRESS after a bound) or
// replays it, revisiting its unknown outcomes; results expire after 24 hours, within bounds in bytes and in count, per
// caller and in all, the storing caller's oldest going first (never another caller's). A claim whose gateway stopped
// passes to the next run, told that the lost run may have acted. Without Redis a keyed create is refused: nothing else
// can tell a repeat.
import { createHash, randomUUID } from "node:crypto";
import { FailureError } from "../../aws/failure.ts";
import { fingerprintOf } from "../../fingerprint.ts";
import type { SharedRedis } from "../redis.ts";
import { SharedStateDown } from "../redis.ts";
import type { Idempotency, IdempotentRun, StoreBounds } from "./idempotency.ts";
import { IDEMPOTENCY_RETENTION_MS, idempotencyEvicted, idempotencyStores } from "./idempotency.ts";

/** How long a claim holds without renewal, by default: a gateway that stops mid-run gives its key up after this. */
const LEASE_MS = 30_000;

// Entry: fingerprint, state (running or done), token of the run holding it, lease (until when, Redis's clock),
// since (first claim), result (JSON, once done). Answers claimed, conflict, running, done (with the result, now held
// by the caller for a revisit) or orphaned (its holder's lease ran out; now the caller's, with any earlier result).
const CLAIM = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local e = redis.call('HMGET', KEYS[1], 'fingerprint', 'state', 'lease', 'result')
local lease = now + tonumber(ARGV[3])
if not e[1] then
  redis.call('HSET', KEYS[1], 'fingerprint', ARGV[1], 'state', 'running', 'token', ARGV[2], 'lease', lease, 'since', now)
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return {'claimed'}
end
if e[1] ~= ARGV[1] then return {'conflict'} end
if e[2] == 'running' and tonumber(e[3]) > now then return {'running'} end
redis.call('HSET', KEYS[1], 'state', 'running', 'token', ARGV[2], 'lease', lease)
if e[2] == 'running' then return {'orphaned', e[4] or ''} end
return {'done', e[4]}
`;

const RENEW = `
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
local t = redis.call('TIME')
redis.call('HSET', KEYS[1], 'lease', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[2]))
return 1
`;

// Gives a held entry up: back to its result when it has one (a revisit that changed nothing), else gone.
const RELEASE = `
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
if redis.call('HEXISTS', KEYS[1], 'result') == 1 then
  redis.call('HSET', KEYS[1], 'state', 'done', 'token', '')
else
  redis.call('DEL', KEYS[1])
end
return 1
`;

// Stores the result of the run holding the entry, counts it against the bounds (meta: id -> "bytes owner"; usage:
// bytes by owner and in all; indexes by first claim, in all and per owner), and evicts the owner's oldest other
// results while it or the store is over them. Answers {stored (1 or 0 when another run holds the entry now), evicted,
// total bytes}.
const STORE = `
local entry, all, meta, usage, ownIndex = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local token, result, bytes, id, owner = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local retention, callerCount, callerBytes = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local totalCount, totalBytes, prefix = tonumber(ARGV[9]), tonumber(ARGV[10]), ARGV[11]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function used(field) return tonumber(redis.call('HGET', usage, field) or 0) end
local function drop(gone)
  local m = redis.call('HGET', meta, gone)
  if m then
    local size, of = string.match(m, '^(%d+) (.+)$')
    redis.call('HINCRBY', usage, 'total', -tonumber(size))
    if redis.call('HINCRBY', usage, of, -tonumber(size)) <= 0 then redis.call('HDEL', usage, of) end
    redis.call('ZREM', prefix .. 'owner:' .. of, gone)
    redis.call('HDEL', meta, gone)
  end
  redis.call('ZREM', all, gone)
end
-- Results past their 24 hours are gone already (their entries expire): their accounting goes too.
for _, gone in ipairs(redis.call('ZRANGEBYSCORE', all, '-inf', now - retention)) do drop(gone) end
if redis.call('HGET', entry, 'token') ~= token then return {0, 0, used('total')} end
local since = tonumber(redis.call('HGET', entry, 'since'))
drop(id)
redis.call('HSET', entry, 'state', 'done', 'result', result, 'token', '')
redis.call('ZADD', all, since, id)
redis.call('ZADD', ownIndex, since, id)
redis.call('HSET', meta, id, bytes .. ' ' .. owner)
redis.call('HINCRBY', usage, 'total', bytes)
redis.call('HINCRBY', usage, owner, bytes)
local evicted = 0
local function over()
  return redis.call('ZCARD', ownIndex) > callerCount or used(owner) > callerBytes
    or redis.call('ZCARD', all) > totalCount or used('total') > totalBytes
end
while over() do
  local oldest = redis.call('ZRANGE', ownIndex, 0, 1)
  local gone = oldest[1]
  if gone == id then gone = oldest[2] end
  if not gone then break end
  drop(gone)
  redis.call('DEL', prefix .. 'entry:' .. gone)
  evicted = evicted + 1
end
return {1, evicted, used('total')}
`;

const UNREACHABLE =
  "The gateways' shared store of idempotency keys (Redis) cannot be reached, so a create with a key is not sent rather than risk creating twice; nothing was sent. Retry shortly.";
const STILL_RUNNING = "A create with this idempotencyKey is still running on another gateway; retry once it has finished.";

type Script<R> = (keys: string[], args: (string | number)[]) => Promise<R>;

interface Entry {
  /** The entry's Redis key, and its ID in the indexes. */
  key: string;
  id: string;
  owner: string;
}

const digest = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 32);

export interface ClusterIdempotencyOptions {
  perCaller: StoreBounds;
  total: StoreBounds;
  /** How long a repeat waits for a run on another gateway before it is answered IN_PROGRESS. */
  waitMs: number;
  /** How long a claim holds without renewal (30 s without). */
  leaseMs?: number;
}

export class ClusterIdempotencyStore<T> implements Idempotency<T> {
  /** The bytes of results in the store, as Redis last said. */
  bytes = 0;
  /** What Redis must still be told once it answers again (a result to store, a claim to give up), by run token. */
  private readonly pending = new Map<string, () => Promise<unknown>>();
  private readonly claimEntry: Script<[string, string?]>;
  private readonly renewEntry: Script<number>;
  private readonly releaseEntry: Script<number>;
  private readonly storeEntry: Script<[number, number, number]>;
  private readonly leaseMs: number;

  constructor(
    private readonly shared: SharedRedis,
    private readonly options: ClusterIdempotencyOptions,
  ) {
    this.claimEntry = shared.script("gatewayClaimKey", 1, CLAIM);
    this.renewEntry = shared.script("gatewayRenewKey", 1, RENEW);
    this.releaseEntry = shared.script("gatewayReleaseKey", 1, RELEASE);
    this.storeEntry = shared.script("gatewayStoreResult", 5, STORE);
    this.leaseMs = options.leaseMs ?? LEASE_MS;
    shared.onChange((up) => up && void this.flush());
    idempotencyStores.add(this);
  }

  async run(
    owner: string,
    key: string,
    input: unknown,
    produce: (lost: boolean) => Promise<T>,
    keep: (result: T) => boolean,
    revisit: (result: T) => Promise<T> | undefined = () => undefined,
  ): Promise<IdempotentRun<T>> {
    const entry = this.entryOf(owner, key);
    const fingerprint = fingerprintOf(input);
    const token = randomUUID();
    const until = performance.now() + this.options.waitMs;
    for (let pause = 20; ; pause = Math.min(250, pause * 1.5)) {
      const [state, stored] = await this.claim(entry, fingerprint, token);
      if (state === "conflict") return { kind: "conflict" };
      if (state === "claimed") return this.first(entry, token, () => produce(false), keep);
      // Orphaned without a result: the gateway of its first run stopped before storing one, which may have acted.
      if (state === "orphaned" && !stored) return this.first(entry, token, () => produce(true), keep);
      if (state === "done" || state === "orphaned") return this.again(entry, token, JSON.parse(stored!) as T, revisit);
      if (performance.now() + pause > until) {
        throw new FailureError({ kind: "unsent", reason: "keyRunning", message: STILL_RUNNING, retryAfter: 1 });
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  private entryOf(owner: string, key: string): Entry {
    const id = digest(`${owner}\n${key}`);
    return { key: this.shared.key("idempotency", "entry", id), id, owner: digest(owner) };
  }

  private async claim(entry: Entry, fingerprint: string, token: string): Promise<[string, string?]> {
    try {
      return await this.shared.use("idempotency", () =>
        this.claimEntry([entry.key], [fingerprint, token, this.leaseMs, IDEMPOTENCY_RETENTION_MS]),
      );
    } catch (error) {
      if (!(error instanceof SharedStateDown)) throw error;
      // The claim may have landed before the answer was lost: given up once Redis answers again.
      this.pending.set(token, () => this.releaseEntry([entry.key], [token]));
      throw new FailureError({ kind: "unsent", reason: "sharedStateDown", message: UNREACHABLE });
    }
  }

  /** The key's first run (or a run again after its holder stopped), holding the entry until its result is stored. */
  private async first(entry: Entry, token: string, produce: () => Promise<T>, keep: (result: T) => boolean): Promise<IdempotentRun<T>> {
    const renewal = this.renewing(entry, token);
    try {
      const result = await produce();
      if (keep(result)) await this.store(entry, token, result);
      else await this.tell(token, () => this.releaseEntry([entry.key], [token]));
      return { kind: "result", result, replayed: false };
    } catch (error) {
      await this.tell(token, () => this.releaseEntry([entry.key], [token]));
      throw error;
    } finally {
      clearInterval(renewal);
    }
  }

  /** A repeat of a kept result: replayed, or revisited (and stored) when `revisit` asks AWS about it again. */
  private async again(entry: Entry, token: string, previous: T, revisit: (result: T) => Promise<T> | undefined): Promise<IdempotentRun<T>> {
    const revised = revisit(previous);
    if (!revised) {
      await this.tell(token, () => this.releaseEntry([entry.key], [token]));
      return { kind: "result", result: previous, replayed: true };
    }
    const renewal = this.renewing(entry, token);
    try {
      const result = await revised;
      await this.store(entry, token, result);
      return { kind: "result", result, replayed: true };
    } catch (error) {
      await this.tell(token, () => this.releaseEntry([entry.key], [token]));
      throw error;
    } finally {
      clearInterval(renewal);
    }
  }

  private renewing(entry: Entry, token: string): NodeJS.Timeout {
    const renew = () => this.shared.use("idempotency", () => this.renewEntry([entry.key], [token, this.leaseMs])).catch(() => {});
    return setInterval(renew, this.leaseMs / 3).unref();
  }

  private store(entry: Entry, token: string, result: T): Promise<void> {
    const json = JSON.stringify(result);
    const { perCaller, total } = this.options;
    const prefix = this.shared.key("idempotency", "");
    const keys = [entry.key, `${prefix}all`, `${prefix}meta`, `${prefix}usage`, `${prefix}owner:${entry.owner}`];
    const args = [
      token,
      json,
      Buffer.byteLength(json),
      entry.id,
      entry.owner,
      IDEMPOTENCY_RETENTION_MS,
      perCaller.count,
      perCaller.bytes,
      total.count,
      total.bytes,
      prefix,
    ];
    return this.tell(token, async () => {
      const [, evicted, bytes] = await this.storeEntry(keys, args);
      idempotencyEvicted.inc(evicted);
      this.bytes = bytes;
    });
  }

  /** Tells Redis now, or once it answers again: a result is never lost to an outage, nor a claim left held. */
  private async tell(token: string, op: () => Promise<unknown>): Promise<void> {
    try {
      await this.shared.use("idempotency", op);
      this.pending.delete(token);
    } catch (error) {
      if (!(error instanceof SharedStateDown)) throw error;
      this.pending.set(token, op);
    }
  }

  private async flush(): Promise<void> {
    for (const [token, op] of this.pending) await this.tell(token, op);
  }
}
