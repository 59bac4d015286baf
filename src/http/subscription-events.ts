// Each event of a subscription runs with the loaders of a session shared by every event of the same fetch (a tick's, or
// new IDs'), whoever subscribed, for as long as a request's session would last, and up to 25 events of one
// subscription run at once: one tick's lookups are then batched and shared across all subscribers as a request's are (25 WorkSpaces with their directories and connection statuses made
// 52 AWS calls, one per lookup per event). Events start 50 a turn of the event loop, so a tick's thousand do not hold
// it. Each event is charged what is selected under it to its caller's share of the AWS budget, past the events
// subscribing paid for; when that share is spent, the event comes with its own data and RATE_LIMITED for its lookups,
// which call nothing.
import { Repeater } from "@repeaterjs/repeater";
import type { ExecutionArgs } from "graphql";
import { createSourceEventStream, execute } from "graphql";
import type { Plugin } from "graphql-yoga";
import { isAsyncIterable, makeSubscribe } from "graphql-yoga";
import type { Services } from "../aws/session.ts";
import { AwsSession, spentSession } from "../aws/session.ts";
import { TurnPacing } from "../aws/turn-pacing.ts";
import type { GatewayContext } from "../schema/builder.ts";
import type { Quotas } from "../shared/quotas/quotas.ts";
import type { WatchEvent } from "../shared/watch-lease/watch-lease.ts";
import { chargedCalls } from "./admission.ts";
import { subscriptionEventCost } from "./query-cost.ts";

/** Events of one subscription executed at once: a batch of IDs' worth. */
const EVENTS_AT_ONCE = 25;

/** The events' sessions end with their deadline alone: none is any one client's to abort. */
const NEVER = new AbortController().signal;

/** `run` over each of `source`'s events, up to `ahead` at once, answered in order. */
function runAhead<T, R>(source: AsyncIterable<T>, run: (event: T) => Promise<R>, ahead: number): AsyncIterableIterator<R> {
  const events = source[Symbol.asyncIterator]();
  return new Repeater<R>(async (push, stop) => {
    const stopped = stop.then(() => ({ done: true as const, value: undefined }));
    void stopped.then(() => events.return?.());
    const running: Promise<IteratorResult<R>>[] = [];
    const takeNext = () => {
      const result = events.next().then(async (next) => (next.done ? next : { done: false as const, value: await run(next.value) }));
      // Taken after the stream ended, its failure is no one's.
      result.catch(() => {});
      running.push(result);
    };
    for (let i = 0; i < ahead; i++) takeNext();
    for (;;) {
      const next = await Promise.race([running.shift()!, stopped]);
      if (next.done) break;
      await push(next.value);
      takeNext();
    }
    stop();
  });
}

export interface SubscriptionEventSettings {
  services: Services;
  deadlineMs: number;
  quotas: Quotas;
}

export function useSubscriptionEvents({ services, deadlineMs, quotas }: SubscriptionEventSettings): Plugin {
  // Each in the turn after it came, a subscription's together: a tick's events come one ID for every subscriber, then the
  // next, and started as they came, each turn's would ask about one ID.
  const events = new TurnPacing(50, false);
  /** The sessions of the fetches whose events run now, by fetch (none: states another gateway polled). */
  const sessions = new Map<number | undefined, { session: AwsSession; until: number }>();
  /** The session the events of `fetch` share: its loaders batch and share their lookups, until its deadline. */
  const sessionOfFetch = (fetch: number | undefined) => {
    const now = performance.now();
    for (const [key, { until }] of sessions) if (until <= now) sessions.delete(key);
    let shared = sessions.get(fetch);
    if (!shared) {
      shared = { session: new AwsSession(services, { caller: "subscriptions", signal: NEVER, deadlineMs }), until: now + deadlineMs };
      sessions.set(fetch, shared);
    }
    return shared.session;
  };
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(
        makeSubscribe(async (args: ExecutionArgs) => {
          const stream = await createSourceEventStream(args);
          if (!isAsyncIterable(stream)) return stream;
          const context = args.contextValue as GatewayContext;
          const caller = context.principal.id;
          const { perEvent, prepaidEvents } = subscriptionEventCost(
            args.schema,
            args.document,
            args.variableValues,
            args.operationName,
            context,
          );
          let prepaid = prepaidEvents;
          const sessionOfEvent = async (event: WatchEvent): Promise<AwsSession> => {
            const fetch = services.watch.fetchOf(event);
            if (perEvent === 0 || prepaid > 0) {
              prepaid -= 1;
              return sessionOfFetch(fetch);
            }
            const answer = await quotas.take(caller, perEvent);
            if (!answer.granted) return spentSession(services, caller, answer.retryAfter, deadlineMs);
            chargedCalls.inc({ charge: "event" }, perEvent);
            return sessionOfFetch(fetch);
          };
          const subscription = {};
          return runAhead(
            stream,
            (event) =>
              events.paced(
                async () =>
                  execute({ ...args, rootValue: event, contextValue: { ...context, aws: await sessionOfEvent(event as WatchEvent) } }),
                subscription,
              ),
            EVENTS_AT_ONCE,
          );
        }),
      );
    },
  };
}
