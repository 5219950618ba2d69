import { it } from 'vitest';

/**
 * What a connector offers for one part of a suite: the means to test it, or `{ skip }` with the reason
 * it does not apply. A skipped part shows in the test report as skipped, with the reason in its name,
 * never as a test that passes without checking.
 */
export type Capability<T> = (T & KnownBug) | { readonly skip: string };

/**
 * A part of the contract the connector is known to break: the test runs as `it.fails` (it passes
 * while the bug is there and fails once it is fixed, so the mark is taken off), named after the bug.
 */
export interface KnownBug {
  readonly bug?: string;
}

export function skipped<T extends object>(capability: Capability<T> | undefined): string | undefined {
  if (capability === undefined) return 'not declared by the harness';
  return 'skip' in capability && typeof capability.skip === 'string' ? capability.skip : undefined;
}

/** Registers `fn` as a test when the capability is offered, else a skipped test whose name says why. */
export function itWhen<T extends object>(
  name: string,
  capability: Capability<T> | undefined,
  fn: (offered: T) => Promise<void>,
): void {
  const reason = skipped(capability);
  const bug = (capability as KnownBug).bug;
  if (reason !== undefined) it.skip(`${name} — skipped: ${reason}`, () => undefined);
  else if (bug !== undefined) it.fails(`${name} — known bug: ${bug}`, () => fn(capability as T));
  else it(name, () => fn(capability as T));
}
