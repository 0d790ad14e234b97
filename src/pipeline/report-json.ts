// The construction report of pair building as the manifest's `report` object (field names are a contract).
import type { ConstructReport } from './construct.js';
import { exactSum } from '../numeric.js';

export function constructReportJson(r: ConstructReport): Record<string, unknown> {
  return {
    prompts: r.prompts,
    prompts_with_pair: r.promptsWithPair,
    pairs: r.pairs,
    prompts_without_pair: r.promptsWithoutPair,
    pairs_dropped: r.pairsDropped,
    fallback_used: r.fallbackUsed,
    small_prompts: r.smallPrompts,
    rejected_not_min: r.rejectedNotMin,
    rejected_z_mean: r.pairs > 0 ? exactSum(r.rejectedZ) / r.pairs : null,
  };
}
