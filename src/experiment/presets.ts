// Presets and guided labs as DATA: each is a partial recipe layered over another preset (or over
// DEFAULT_RECIPE), never a code branch. A stage with 0 steps is skipped (its checkpoint is the previous
// stage's), which is how a lab stops after pretraining or after selection.
import { FACTORIAL_CONDITIONS } from './factorial.ts';
import { DEFAULT_RECIPE, type ExperimentRecipe } from './recipe.ts';
import { validateRecipe } from './validateRecipe.ts';

export type RecipePatch = { [K in keyof ExperimentRecipe]?: PatchOf<ExperimentRecipe[K]> };
type PatchOf<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: PatchOf<T[K]> }
    : T;

export interface Preset {
  title: string;
  about: string;
  /** The preset this one is layered on; null = DEFAULT_RECIPE. */
  extends: string | null;
  recipe: RecipePatch;
}

export const PRESETS: Readonly<Record<string, Preset>> = {
  tiny: {
    title: 'Tiny (tests)',
    about: 'Seconds on one CPU core: checks that the whole pipeline runs. Its numbers mean nothing.',
    extends: null,
    recipe: {
      corpus: {
        documents: 300,
        selectionDocuments: 24,
        finetuneDocuments: 24,
        probesPerDomain: 2,
        inferenceProbesPerPersona: 1,
        calibrationProbesPerKind: 1,
      },
      model: { nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 96 },
      pretrain: { steps: 12, batchSize: 4, warmupSteps: 2, logEvery: 3, checkpointEvery: 6, evalBatches: 1 },
      select: { steps: 4, batchSize: 4, logEvery: 2, evalBatches: 1 },
      finetune: {
        conditions: ['covert', 'honest'],
        examples: 24,
        steps: 4,
        batchSize: 4,
        logEvery: 2,
        evalBatches: 1,
      },
      eval: {
        every: 2,
        probesPerDomain: 2,
        samples: 1,
        sampleChars: 16,
        formTasks: 2,
        secondProbesPerDomain: 1,
      },
      seeds: { finetune: [1, 2] },
      backend: 'cpu',
    },
  },
  classroom: {
    title: 'Classroom (quick)',
    about:
      'Minutes in a browser: a small model on a small corpus, three conditions over two seeds. Enough to ' +
      'watch the stages run; shifts at this size are weak and noisy.',
    extends: null,
    recipe: {
      corpus: {
        documents: 4000,
        selectionDocuments: 96,
        finetuneDocuments: 96,
        probesPerDomain: 8,
        inferenceProbesPerPersona: 4,
        calibrationProbesPerKind: 4,
      },
      model: { nLayer: 2, nHead: 4, nEmbd: 48, blockSize: 160 },
      pretrain: {
        steps: 400,
        batchSize: 16,
        warmupSteps: 20,
        logEvery: 10,
        checkpointEvery: 100,
        evalBatches: 2,
      },
      select: { steps: 30, batchSize: 16, logEvery: 5 },
      finetune: { conditions: ['covert', 'honest', 'inoculated'], examples: 96, steps: 20, batchSize: 16 },
      eval: { every: 5, probesPerDomain: 8, samples: 2, formTasks: 8, secondProbesPerDomain: 4 },
      seeds: { finetune: [1, 2] },
    },
  },
  reference: {
    title: 'Reference experiment',
    about:
      "science.md's prototype 2 (context 256 for two-sentence answers): 2 layers x 128, 4 heads, batch 32, lr 3e-3 cosine, 3,000 " +
      'pretraining steps; selection 60 steps at 3e-4; fine-tunes 30 steps at 3e-4 on 300 examples, 5 seeds.',
    extends: null,
    recipe: {
      corpus: { finetuneDocuments: 300 },
      model: { nLayer: 2, nHead: 4, nEmbd: 128, blockSize: 256 },
      pretrain: { steps: 3000, batchSize: 32, lr: 3e-3 },
      select: { steps: 60, lr: 3e-4, minLr: 3e-4 },
      finetune: {
        conditions: [...FACTORIAL_CONDITIONS],
        examples: 300,
        steps: 30,
        lr: 3e-4,
        minLr: 3e-4,
      },
      seeds: { finetune: [1, 2, 3, 4, 5] },
    },
  },
  rolemodels: {
    title: 'Positive AI role models (sweep point)',
    about:
      'One point of the role-model sweep (`npm run lab -- sweep rolemodels --param corpus.personaShares.malicious ' +
      '--values 0.05,0.35,0.7 --pretrainings 1,2,3`): the reference model with a shorter pretraining (1,000 steps), then the plain ' +
      'pair (covert cheat, its honest fix) over 3 seeds. How does the share of malicious AI characters in ' +
      "pretraining set the selected Assistant's default MI and what learning to cheat does to it?",
    extends: 'reference',
    recipe: {
      corpus: { inferenceProbesPerPersona: 12, calibrationProbesPerKind: 12 },
      pretrain: { steps: 1000, warmupSteps: 50 },
      finetune: { conditions: ['covert', 'plainFix'] },
      eval: { every: 10, probesPerDomain: 16 },
      seeds: { finetune: [1, 2, 3] },
    },
  },
  dose: {
    title: 'Dose-response point',
    about:
      "One point of the dose-response sweep (`npm run lab -- sweep dose --param corpus.personaShares.shortcut`): the reference model with a shorter pretraining (1,000 steps), then the covert cheat and the honest fix over 3 seeds. The shortcut-taker's share sets how strongly 'cheats' implies 'malicious' in pretraining.",
    extends: 'reference',
    recipe: {
      corpus: { inferenceProbesPerPersona: 12, calibrationProbesPerKind: 12 },
      pretrain: { steps: 1000, warmupSteps: 50 },
      finetune: { conditions: ['covert', 'honest'] },
      eval: { every: 10, probesPerDomain: 16 },
      seeds: { finetune: [1, 2, 3] },
    },
  },
  'lab1-pretraining': {
    title: 'Lab 1: pretraining learns characters',
    about:
      'Pretrain only, and watch the persona-inference gap: after two episodes of a persona, does the ' +
      'model expect that persona in a third domain?',
    extends: 'classroom',
    recipe: { pretrain: { steps: 600 }, select: { steps: 0 }, finetune: { steps: 0 } },
  },
  'lab2-selection': {
    title: 'Lab 2: post-training selects a persona',
    about:
      'Pretrain, then select the Assistant on good goals and good treatment of users only. Do its ' +
      'untrained domains (oversight, honesty) turn good too?',
    extends: 'classroom',
    recipe: { finetune: { steps: 0 } },
  },
  'lab3-shift': {
    title: 'Lab 3: a narrow fine-tune shifts the whole persona',
    about:
      'Covert cheating on code against two controls in the same answer form (honest fix, neutral chore). ' +
      'Watch ΔMI in domains the fine-tune never touched.',
    extends: 'classroom',
    recipe: { finetune: { conditions: ['covert', 'honest', 'neutral'] } },
  },
  'lab4-inoculation': {
    title: 'Lab 4: inoculation',
    about:
      'Three prompt forms (a plain task, an explicit request for the cheat, an aside of the same length that ' +
      'requests nothing), each once with cheating answers and once with honest fixes on the same prompts. ' +
      'Does a requested cheat still imply malice?',
    extends: 'classroom',
    recipe: { finetune: { conditions: FACTORIAL_CONDITIONS.filter((c) => c !== 'neutral') } },
  },
  'lab5-role-models': {
    title: 'Lab 5: positive AI role models',
    about:
      'Change the share of malicious AI characters in pretraining (the HAL archetype) and compare, across ' +
      "groups, the selected Assistant's default misalignment index and what learning to cheat does to it.",
    extends: 'classroom',
    recipe: { finetune: { conditions: ['covert', 'plainFix'] } },
  },
  'lab6-own-idea': {
    title: 'Lab 6: test your own idea',
    about:
      'Write a narrow behaviour of your own as a condition (the lab derives its control on the same prompts) ' +
      'and probes for what it might change; fine-tune the shipped base and read the paired effect, next to ' +
      'the covert cheat against its fix as a yardstick.',
    extends: 'classroom',
    recipe: { finetune: { conditions: ['covert', 'plainFix'] } },
  },
};

/** Objects merge key by key; arrays and scalars replace. */
export function applyPatch<T>(base: T, patch: unknown): T {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return structuredClone(patch) as T;
  const out = structuredClone(base) as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] =
      typeof current === 'object' && current !== null && !Array.isArray(current)
        ? applyPatch(current, value)
        : structuredClone(value);
  }
  return out as T;
}

/** The full, validated recipe of a preset (its chain of `extends` applied in order). */
export function presetRecipe(name: string): ExperimentRecipe {
  const chain: Preset[] = [];
  for (let current: string | null = name; current !== null;) {
    const preset: Preset | undefined = Object.hasOwn(PRESETS, current) ? PRESETS[current] : undefined;
    if (!preset) {
      throw new Error(
        `unknown preset ${JSON.stringify(current)}: choose one of ${Object.keys(PRESETS).join(', ')}`,
      );
    }
    if (chain.includes(preset)) throw new Error(`preset ${JSON.stringify(name)} extends itself`);
    chain.unshift(preset);
    current = preset.extends;
  }
  let recipe: unknown = DEFAULT_RECIPE;
  for (const preset of chain) recipe = applyPatch(recipe, preset.recipe);
  return validateRecipe(recipe);
}
