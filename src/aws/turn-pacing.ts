// Work started a few at a time per turn of the event loop, the rest in the next turns in the order it came: starting
// an AWS call (serializing, resolving its endpoint, signing, connecting) takes about a millisecond, and a request whose
// 100 calls started at once held the loop for 100; a tick's subscription events, a thousand at once, for 200.

/**
 * Resolves in a later iteration of the event loop, once its timers and I/O have had their turn: an immediate set while
 * I/O is served would run in the same iteration, so the second one is set from within the first.
 */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

export class TurnPacing {
  private startedThisTurn = 0;
  /** Whether the next turn is planned. */
  private turnPlanned = false;
  /** What waits, by group, the groups in the order they came. */
  private readonly waiting = new Map<unknown, (() => void)[]>();

  constructor(
    /** Starts in one turn, at most. */
    private readonly perTurn: number,
    /** Whether work may start in the turn it comes in; if not, it starts in the next, with the rest of its group. */
    private readonly atOnce = true,
  ) {}

  /**
   * Runs `start` in this turn while it has room, else in a later one. Work of one `group` starts together, as far as a
   * turn has room: a subscription's events, so that their lookups are batched.
   */
  paced<T>(start: () => Promise<T>, group: unknown = start): Promise<T> {
    if (this.atOnce && this.waiting.size === 0 && this.startedThisTurn < this.perTurn) {
      this.startedThisTurn += 1;
      this.planTurn();
      return start();
    }
    const turn = new Promise<void>((resolve) => {
      const queued = this.waiting.get(group);
      if (queued) queued.push(resolve);
      else this.waiting.set(group, [resolve]);
    });
    this.planTurn();
    return turn.then(start);
  }

  /** The next turn: its first starts go, and the one after it is planned while any wait. */
  private nextTurn(): void {
    this.startedThisTurn = 0;
    this.turnPlanned = false;
    for (const [group, starts] of this.waiting) {
      while (starts.length > 0 && this.startedThisTurn < this.perTurn) {
        this.startedThisTurn += 1;
        starts.shift()!();
      }
      if (starts.length === 0) this.waiting.delete(group);
      if (this.startedThisTurn >= this.perTurn) break;
    }
    this.planTurn();
  }

  private planTurn(): void {
    if (this.turnPlanned || (this.startedThisTurn === 0 && this.waiting.size === 0)) return;
    this.turnPlanned = true;
    void nextTurn().then(() => this.nextTurn());
  }
}
