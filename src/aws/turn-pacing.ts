// Work started a few at a time per turn of the event loop, the rest in the next turns in the order it came: starting
// an AWS call (serializing, resolving its endpoint, signing, connecting) takes about a millisecond, and a request whose
// 100 calls started at once held the loop for 100; a tick's subscription events, a thousand at once, for 200.

export class TurnPacing {
  private startedThisTurn = 0;
  private turnEnds: NodeJS.Immediate | undefined;
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
    this.turnEnds = undefined;
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
    // setImmediate from within an immediate runs in the loop's next iteration: I/O and timers get their turn between.
    if (!this.turnEnds && (this.startedThisTurn > 0 || this.waiting.size > 0)) this.turnEnds = setImmediate(() => this.nextTurn());
  }
}
