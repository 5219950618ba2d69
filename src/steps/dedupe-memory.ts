import type { StoredState } from '../sdk/index.js';

/** A key a dedupe step let through, and the id of the record that carried it (the stored value). */
export interface PassedKey {
  readonly key: string;
  readonly id: string;
}

interface PageKeys {
  /** One key of the page: once the store holds it (written by this run), the page is committed. */
  readonly probe: PassedKey;
  readonly keys: readonly string[];
}

/**
 * The keys a dedupe step let through in this run.
 *
 * Unbounded (no window, or no store): every key of the run stays in memory until the run ends.
 * Bounded (window and store): keys of committed pages are in the store, so memory only needs the
 * pages not committed yet. Each remembered page has a probe key, asked together with the page's
 * own keys; when the store holds a page's probe with this run's record id, written since the run
 * began, that page and every earlier one (pages commit in order) are forgotten.
 */
export class RunKeys {
  private readonly keys = new Set<string>();
  private readonly pages: PageKeys[] = [];
  private current: string[] = [];
  private probe: PassedKey | undefined;

  constructor(readonly bounded: boolean) {}

  has(key: string): boolean {
    return this.keys.has(key);
  }

  /** Remembers a key the current page lets through. */
  pass(key: string, id: string): void {
    this.keys.add(key);
    if (!this.bounded) return;
    this.current.push(key);
    this.probe ??= { key, id };
  }

  /** Closes the current page (the keys passed since the last call). */
  endPage(): void {
    if (this.probe !== undefined) this.pages.push({ probe: this.probe, keys: this.current });
    this.current = [];
    this.probe = undefined;
  }

  /** The probe keys to ask the store about with the next page's keys. */
  probes(): string[] {
    return this.pages.map((p) => p.probe.key);
  }

  /** Forgets the pages the store shows committed (`found`: the store's answer, `since`: when the run began). Returns how many. */
  forgetCommitted(found: ReadonlyMap<string, StoredState>, since: Date): number {
    let last = -1;
    this.pages.forEach((page, i) => {
      const stored = found.get(page.probe.key);
      if (stored && stored.value === page.probe.id && stored.at.getTime() >= since.getTime()) last = i;
    });
    for (const page of this.pages.splice(0, last + 1)) for (const key of page.keys) this.keys.delete(key);
    return last + 1;
  }

  /** Keys held in memory. */
  get size(): number {
    return this.keys.size;
  }
}
