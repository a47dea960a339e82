// What every operator needs from its engine: the kernels, the memory and the plan cache.
import type { Kernels } from './kernels';
import type { LinearMemory } from './memory';
import type { PlanCache } from './ops/plan';

export interface Context {
  readonly kernels: Kernels;
  readonly memory: LinearMemory;
  readonly plans: PlanCache;
}
