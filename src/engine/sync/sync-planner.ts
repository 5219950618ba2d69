import { compileSync } from './compile-sync.js';
import { planCreate } from './plan-create.js';
import { planDelete } from './plan-delete.js';
import { planMatch } from './plan-match.js';
import { planPair } from './plan-pair.js';
import type { SyncPlanner } from './sync-plan-types.js';

/** The pure planner a sync run asks what to write where (sync-plan-types.ts). */
export const syncPlanner: SyncPlanner = { compile: compileSync, planPair, planMatch, planCreate, planDelete };
