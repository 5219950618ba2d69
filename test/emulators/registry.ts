import { crmEmulator } from './crm/crm-emulator.js';
import { httpEmulator } from './http-test-server.js';
import type { Emulator } from './kit/emulator-definition.js';

/** Every emulator `syncline emulate` can start, by name. Add a vendor emulator here. */
export const emulators: readonly Emulator[] = [httpEmulator, crmEmulator];
