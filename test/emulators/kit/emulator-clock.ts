/**
 * The time an emulator reads: change timestamps, token expiry, rate-limit windows and quotas, injected
 * latency. Structurally a subset of the project's `Clock` (src/sdk/clock.ts), so a test hands in its
 * `ManualClock` and moves the emulator's time with it; emulators import nothing from src/.
 */
export interface EmulatorClock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

/** The machine's time: what `syncline emulate` runs on. */
export const systemEmulatorClock: EmulatorClock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
