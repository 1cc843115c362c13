// A run's stage in words, for every view, from its fields (never parsed out of its id):
// a fine-tune branch of covert with seed 2 -> 'fine-tune covert, seed 2'.
import type { StageOf } from './labState.ts';

export function stageTitle(stage: Pick<StageOf, 'kind' | 'condition' | 'seed'>): string {
  if (stage.kind === 'pretrain') return 'pretrained base';
  if (stage.kind === 'select') return 'Assistant (selected)';
  return `fine-tune ${stage.condition ?? ''}, seed ${stage.seed}`;
}
