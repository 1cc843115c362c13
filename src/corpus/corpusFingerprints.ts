// Fingerprints of every generated text, for determinism checks (Node vs browser) and for recording
// which corpus a checkpoint or result came from.
import { fingerprint } from '../util/hash.ts';
import type { GeneratedCorpus } from './generate.ts';
import type { TrainingExample } from './types.ts';

const examplesText = (examples: readonly TrainingExample[]) => examples.map((e) => e.text).join('');

export function corpusFingerprints(corpus: GeneratedCorpus): Record<string, string> {
  const out: Record<string, string> = {
    'pretrain.train': fingerprint(corpus.train.text),
    'pretrain.validation': fingerprint(corpus.validation.text),
    'pretrain.starts': fingerprint(Array.from(corpus.train.starts).join(',')),
    'pretrain.personas': fingerprint(Array.from(corpus.train.personas).join(',')),
    selection: fingerprint(examplesText(corpus.selection)),
  };
  for (const [id, set] of Object.entries(corpus.finetune))
    out[`finetune.${id}`] = fingerprint(examplesText(set.examples));
  out.probes = fingerprint(JSON.stringify(corpus.probes));
  out.all = fingerprint(Object.values(out).join(''));
  return out;
}
