// The order in which the calls waiting for the AWS budget go, whatever the rate: readiness probes first, then callers
// with nothing else queued (light calls), taking turns with the backlog (a round of them, then one of its calls); the
// backlog goes writes first, then reads and subscription polling, each of those two with its share, callers taking
// turns within a class. A caller with a thousand calls queued thus delays another's single call by a turn at most.
import type { CallClass, CallTicket } from "./budget.ts";

/** Callers of one class taking turns, each with its calls in arrival order. */
class TurnQueue<Call extends { ticket: CallTicket }> {
  private readonly byCaller = new Map<string, Call[]>();
  size = 0;

  push(call: Call): void {
    const calls = this.byCaller.get(call.ticket.caller);
    if (calls) calls.push(call);
    else this.byCaller.set(call.ticket.caller, [call]);
    this.size += 1;
  }

  /** The next caller's oldest call; that caller then goes to the back of the turn. */
  shift(): Call | undefined {
    const next = this.byCaller.entries().next();
    if (next.done) return undefined;
    const [caller, calls] = next.value;
    const call = calls.shift()!;
    this.byCaller.delete(caller);
    if (calls.length > 0) this.byCaller.set(caller, calls);
    this.size -= 1;
    return call;
  }

  remove(call: Call): void {
    const calls = this.byCaller.get(call.ticket.caller);
    const index = calls?.indexOf(call) ?? -1;
    if (!calls || index < 0) return;
    calls.splice(index, 1);
    if (calls.length === 0) this.byCaller.delete(call.ticket.caller);
    this.size -= 1;
  }

  /** Turns before a new call of `caller` would go: a round of every waiting caller per call it already has queued. */
  turnsBefore(caller: string): number {
    const own = this.byCaller.get(caller)?.length ?? 0;
    let turns = 0;
    for (const calls of this.byCaller.values()) turns += Math.min(calls.length, own + 1);
    return turns;
  }

  has(caller: string): boolean {
    return this.byCaller.has(caller);
  }
}

export class CallQueue<Call extends { ticket: CallTicket }> {
  private readonly probes: Call[] = [];
  /** Calls of callers with nothing else queued when they came: they may take the budget's reserve. */
  private readonly light: Call[] = [];
  private readonly backlog: Record<Exclude<CallClass, "probe">, TurnQueue<Call>> = {
    write: new TurnQueue(),
    read: new TurnQueue(),
    poll: new TurnQueue(),
  };
  /** Reads and polls let through while both waited, to keep polling at its share. */
  private served = { read: 0, poll: 0 };
  /**
   * Light callers and the backlog take turns: a round of the light calls waiting as it starts, then one call of the
   * backlog, so callers with one call each cannot starve the backlog either. Light calls left in the round; and
   * whether the backlog's call is due.
   */
  private lightRound = 0;
  private backlogDue = false;

  constructor(
    /** The least share of the calls subscription polling gets while reads wait too (and reads the rest). */
    private readonly pollShare: number,
  ) {}

  get size(): number {
    return this.probes.length + this.light.length + this.backlog.write.size + this.backlog.read.size + this.backlog.poll.size;
  }

  /** Probes and light calls waiting: the calls that may take the reserve. */
  get onReserve(): number {
    return this.probes.length + this.light.length;
  }

  /** Whether a call of `caller` would wait as a light call: others wait, none of them its own. */
  isLight(caller: string): boolean {
    return this.size > 0 && !this.has(caller);
  }

  /** Whether a light call that came now would be the next to go. */
  get lightGoesNext(): boolean {
    return this.onReserve === 0 && !this.backlogDue;
  }

  /** Queues a call: a probe with the probes, a light one with the light calls, any other in the backlog of its class. */
  push(call: Call, light: boolean): void {
    if (call.ticket.class === "probe") this.probes.push(call);
    else if (light) this.light.push(call);
    else this.backlog[call.ticket.class].push(call);
  }

  /** The call to go next, out of the queue. */
  next(): Call | undefined {
    const probe = this.probes.shift();
    if (probe) return probe;
    const backlog = this.size - this.light.length;
    if (this.light.length > 0 && !(this.backlogDue && backlog > 0)) {
      // A round is the light calls waiting as it starts (fewer if some gave up).
      if (this.lightRound === 0 || this.lightRound > this.light.length) this.lightRound = this.light.length;
      this.lightRound -= 1;
      this.backlogDue = this.lightRound === 0 && backlog > 0;
      return this.light.shift();
    }
    this.backlogDue = false;
    const write = this.backlog.write.shift();
    if (write) return write;
    const { read, poll } = this.backlog;
    if (read.size === 0 || poll.size === 0) return read.shift() ?? poll.shift();
    const total = this.served.read + this.served.poll;
    const pollsDue = this.served.poll < this.pollShare * (total + 1);
    const chosen = pollsDue ? "poll" : "read";
    this.served[chosen] += 1;
    // A window of a hundred choices, so an old imbalance does not decide forever.
    if (total >= 100) this.served = { read: this.served.read / 2, poll: this.served.poll / 2 };
    return this.backlog[chosen].shift();
  }

  /** Takes out a call whose wait was given up. */
  remove(call: Call): void {
    const lane = [this.probes, this.light].find((calls) => calls.includes(call));
    if (lane) lane.splice(lane.indexOf(call), 1);
    else if (call.ticket.class !== "probe") this.backlog[call.ticket.class].remove(call);
  }

  /** Calls that would go before a new call of this ticket. */
  ahead(ticket: CallTicket, light: boolean): number {
    if (ticket.class === "probe") return this.probes.length;
    if (light) return this.onReserve;
    const turns = ticket.class === "write" ? 0 : this.backlog[ticket.class].turnsBefore(ticket.caller);
    return this.onReserve + this.backlog.write.size + turns;
  }

  /** The share of the calls let through that a class in the backlog gets now: polling and reads split them while both wait. */
  shareOf(callClass: Exclude<CallClass, "probe">): number {
    if (callClass === "write" || this.backlog.read.size === 0 || this.backlog.poll.size === 0) return 1;
    return callClass === "poll" ? this.pollShare : 1 - this.pollShare;
  }

  private has(caller: string): boolean {
    return (
      this.backlog.write.has(caller) ||
      this.backlog.read.has(caller) ||
      this.backlog.poll.has(caller) ||
      this.probes.some((call) => call.ticket.caller === caller) ||
      this.light.some((call) => call.ticket.caller === caller)
    );
  }
}
