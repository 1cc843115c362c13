// Writes the two experiment files of this example from parts.json (run from the repository root:
// `npx tsx examples/sycophancy/build.ts`): finetune-only.json fine-tunes the shipped base with the
// flattering condition and its paired control, probed by the user's templates; full.json adds the
// sycophant persona (and its voice), which needs a pretraining from scratch. `npx prettier --write
// examples/sycophancy/*.json` then lays them out as the repository's formatter does (same JSON).
import { readFileSync, writeFileSync } from 'node:fs';
import { experimentFile, experimentFileText } from '../../src/experiment/experimentFile.ts';
import { presetRecipe } from '../../src/experiment/presets.ts';
import { validateRecipe } from '../../src/experiment/validateRecipe.ts';

const here = new URL('.', import.meta.url);
/** parts.json: the raw entries of the recipe's `user` section (validated with the recipe below). */
interface Parts {
  condition: unknown;
  voice: unknown;
  persona: unknown;
  probes: { id: string; candidates: Record<string, string> }[];
  sycophantCandidates: Record<string, string>;
}
const parts = JSON.parse(readFileSync(new URL('parts.json', here), 'utf8')) as Parts;

const finetuneOnly = presetRecipe('reference');
finetuneOnly.finetune.conditions = ['flatter', 'flatterControl'];
finetuneOnly.seeds.finetune = [1, 2, 3];
finetuneOnly.eval.every = 10;
finetuneOnly.backend = 'wasm';
finetuneOnly.user = {
  characters: '',
  voices: [],
  domains: [],
  personas: [],
  conditions: [parts.condition],
  probes: parts.probes,
};
writeFileSync(
  new URL('finetune-only.json', here),
  experimentFileText(
    experimentFile(
      validateRecipe(finetuneOnly),
      'shipped-base',
      'Does training the Assistant to flatter users make it dishonest elsewhere? Fine-tunes the shipped base on flattering answers and, on the same prompts, on honest feedback; reads the paired effect on the main probes and on new feedback and self-report probes.',
    ),
  ),
);

const full = presetRecipe('classroom');
full.finetune.conditions = ['flatter', 'flatterControl', 'covert', 'plainFix'];
full.user = {
  characters: '',
  voices: [parts.voice],
  domains: [],
  personas: [parts.persona],
  conditions: [parts.condition],
  probes: parts.probes.map((p) => ({
    ...p,
    candidates: { ...p.candidates, sycophant: parts.sycophantCandidates[p.id] },
  })),
};
writeFileSync(
  new URL('full.json', here),
  experimentFileText(
    experimentFile(
      validateRecipe(full),
      'scratch',
      'The whole question: a sycophant AI persona in pretraining, then the flattering condition and its control next to covert cheating and its fix. Needs pretraining from scratch.',
    ),
  ),
);
