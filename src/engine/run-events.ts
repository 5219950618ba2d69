import type { Logger } from '../sdk/index.js';
import type { RunEvent } from './run-event.js';

/** A subscriber. Called synchronously: slow work (sending, writing) must be handed off, not awaited. */
export type RunEventListener = (event: RunEvent) => void | Promise<void>;

/** Ends a subscription. */
export type Unsubscribe = () => void;

/** Where the engine (and the application, for requests and resolutions) publishes. */
export interface RunEventPublisher {
  /** Calls every subscriber in turn; never throws, whatever the subscribers do. */
  publish(event: RunEvent): void;
}

/** The event stream of one engine. */
export interface RunEvents extends RunEventPublisher {
  /**
   * Adds a listener of every event from now on. `close` is awaited when the stream closes (a
   * notifier sends what still waits).
   */
  subscribe(listener: RunEventListener, options?: { close?: () => Promise<void> }): Unsubscribe;
  /** Unsubscribes everyone and waits for their `close`. Events published later reach no one. */
  close(): Promise<void>;
}

/** A listener that takes longer than this (synchronously) is logged: it holds the run up. */
export const SLOW_LISTENER_MS = 100;

interface Subscription {
  readonly listener: RunEventListener;
  readonly close: (() => Promise<void>) | undefined;
}

/**
 * A small typed bus. A listener that throws, or returns a promise that rejects, is logged and the
 * others (and the run) go on: a subscriber never breaks a run. Listeners run synchronously in the
 * order they subscribed, so each sees a run's events in the order they happened.
 */
export function createRunEvents(log: Logger): RunEvents {
  const subscriptions = new Set<Subscription>();
  const failed = (event: RunEvent, error: unknown) =>
    log.error(
      { event: event.type, flow: event.flow, error: error instanceof Error ? error.message : String(error) },
      `a subscriber of ${event.type} events failed (the run goes on)`,
    );
  return {
    publish(event) {
      for (const s of [...subscriptions]) {
        const started = performance.now();
        try {
          const result = s.listener(event);
          if (result instanceof Promise) result.catch((error: unknown) => failed(event, error));
        } catch (error) {
          failed(event, error);
        }
        const ms = performance.now() - started;
        if (ms > SLOW_LISTENER_MS)
          log.warn(
            { event: event.type, flow: event.flow, ms: Math.round(ms) },
            `a subscriber took ${Math.round(ms)} ms over a ${event.type} event, holding the run up: it should hand slow work off`,
          );
      }
    },
    subscribe(listener, options = {}) {
      const s: Subscription = { listener, close: options.close };
      subscriptions.add(s);
      return () => {
        subscriptions.delete(s);
      };
    },
    async close() {
      const all = [...subscriptions];
      subscriptions.clear();
      await Promise.all(
        all.map((s) =>
          s.close?.().catch((error: unknown) => log.error({ error: String(error) }, 'a subscriber failed to close')),
        ),
      );
    },
  };
}
