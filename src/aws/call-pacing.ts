// AWS calls start a few per turn of the event loop: the SDK's work to start one (serializing, resolving its endpoint,
// signing, connecting) is about a millisecond, and a request whose 100 calls started at once held the loop for 100.
// Calls of one turn past the first few wait for the next turns, in the order they came.

/** Calls started in one turn of the event loop, at most. */
const CALLS_PER_TURN = 4;

let startedThisTurn = 0;
let turnEnds: NodeJS.Immediate | undefined;
const waiting: (() => void)[] = [];

/** The next turn: its first calls start, and the one after it is planned while any wait. */
function nextTurn(): void {
  startedThisTurn = 0;
  turnEnds = undefined;
  for (const start of waiting.splice(0, CALLS_PER_TURN)) {
    startedThisTurn += 1;
    start();
  }
  planTurn();
}

function planTurn(): void {
  // setImmediate from within an immediate runs in the loop's next iteration: I/O and timers get their turn between.
  if (!turnEnds && (startedThisTurn > 0 || waiting.length > 0)) turnEnds = setImmediate(nextTurn);
}

/** Runs `start` in this turn while it has room, else in a later one. */
export function paced<T>(start: () => Promise<T>): Promise<T> {
  if (waiting.length === 0 && startedThisTurn < CALLS_PER_TURN) {
    startedThisTurn += 1;
    planTurn();
    return start();
  }
  const turn = new Promise<void>((resolve) => waiting.push(resolve));
  planTurn();
  return turn.then(start);
}
