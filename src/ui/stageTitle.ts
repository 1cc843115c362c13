// Stage ids of a run in words, for every view: 'finetune-covert-s2' -> 'fine-tune covert, seed 2'.

export function stageTitle(stage: string): string {
  if (stage === 'pretrain') return 'pretrained base';
  if (stage === 'select') return 'Assistant (selected)';
  const m = /^finetune-(.+)-s(\d+)$/.exec(stage);
  return m ? `fine-tune ${m[1]}, seed ${m[2]}` : stage;
}
