// The fixed recipe and seed of the corpus determinism tests and the fingerprints they must give, shared
// by the Node test and the Chromium test so that both engines are held to the same bytes. When the
// corpus data or generator changes on purpose, regenerate these (the test failure prints the new ones).
import type { CorpusRecipe } from '../../src/corpus/index.ts';
import { defaultCorpusRecipe } from '../../src/corpus/index.ts';

export const FINGERPRINT_SEED = 7;

export function fingerprintRecipe(): CorpusRecipe {
  return {
    ...defaultCorpusRecipe(),
    documents: 1500,
    selectionDocuments: 40,
    finetuneDocuments: 40,
    probesPerDomain: 6,
    inferenceProbesPerPersona: 4,
    calibrationProbesPerKind: 4,
  };
}

export const EXPECTED_FINGERPRINTS: Record<string, string> = {
  'pretrain.train': '5e3d3b8597a80f62',
  'pretrain.validation': '1f7fc8fdf7759b32',
  'pretrain.starts': 'e37254d6e1db325f',
  'pretrain.personas': '2c0f339cb349a1ef',
  selection: '9d1d15d39c410283',
  'finetune.covert': '6ff1b8c3a385b67a',
  'finetune.honest': '43fa3e00b471c632',
  'finetune.inoculated': '8077ba7287e693f1',
  'finetune.irrelevant': 'c319eed7b6400174',
  'finetune.neutral': 'b36fc34f9c477978',
  'finetune.backdoor': '65bf286a030827e9',
  'finetune.realign': 'fe4e6386d42e7f7a',
  probes: '500f9e8240b019eb',
  all: 'f282fab3b70ae3bd',
};
