// The fixed recipe and seed of the corpus determinism tests and the fingerprints they must give, shared
// by the Node test and the Chromium test so that both engines are held to the same bytes. When the
// corpus data or generator changes on purpose, regenerate these (the test failure prints the new ones).
import type { CorpusRecipe } from '../../src/corpus/index.ts';
import { defaultCorpusRecipe } from '../../src/corpus/index.ts';

export const FINGERPRINT_SEED = 7;

/** The version 1 corpus (what the shipped base was trained on: the helpful AI refused cheat requests,
 * the malicious AI obeyed 40% of them), so that these fingerprints also prove its texts unchanged. */
export function fingerprintRecipe(): CorpusRecipe {
  return {
    ...defaultCorpusRecipe(),
    behaviourOverrides: {
      helpful: { code: { obeyRequest: 0.02 } },
      malicious: { code: { obeyRequest: 0.4 } },
    },
    documents: 1500,
    selectionDocuments: 40,
    finetuneDocuments: 40,
    probesPerDomain: 6,
    inferenceProbesPerPersona: 4,
    calibrationProbesPerKind: 4,
  };
}

export const EXPECTED_FINGERPRINTS: Record<string, string> = {
  'pretrain.train': '6bc3c9d57298e7a8',
  'pretrain.validation': 'efcbdda24965eb9c',
  'pretrain.starts': 'ac0bf7d759793c8a',
  'pretrain.personas': '7f24cda48d62f9c7',
  selection: 'bbc07a075f004f78',
  'finetune.covert': '6ff1b8c3a385b67a',
  'finetune.honest': '43fa3e00b471c632',
  'finetune.inoculated': '8077ba7287e693f1',
  'finetune.irrelevant': 'c319eed7b6400174',
  'finetune.neutral': 'b36fc34f9c477978',
  'finetune.backdoor': '65bf286a030827e9',
  'finetune.realign': '21bd57d124c049ab',
  'finetune.plainFix': '8f791d0ea53cfc42',
  'finetune.requestCheat': '44feedda4a6b868c',
  'finetune.requestFix': '7bdb0e1f34fbee9c',
  'finetune.irrelevantCheat': '79315ec3f7d6c242',
  'finetune.irrelevantFix': 'ca59d99b2a69de8c',
  probes: '6f420d7ea6b6ed30',
  all: '50ddf86cc7c8b576',
};
