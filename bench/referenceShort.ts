// `npm run bench -- reference-short`: the reference experiment shortened (every stage, condition and
// seed, fewer steps) on Node wasm, in memory; prints its wall time with the breakdown the run state
// records (pretrain, select, fine-tune training, evaluation, sampling, checkpoints, other), so two
// commits can be compared on one machine. Then projects the full reference experiment from the measured
// unit costs (seconds per training step of each stage kind, per full and per live evaluation). The wasm
// backend starts as `run` starts it (threads chosen for the reference model on the cores free now).
//   --pretrain N   pretraining steps (default 50; an evaluation and checkpoint halfway)
//   --select N     selection steps (default 10)
//   --finetune N   steps per fine-tune branch (default 10; the reference's evaluation every 5)
import { mkdirSync, writeFileSync } from 'node:fs';
import { corpusInputs } from '../src/experiment/corpusInputs.ts';
import { presetRecipe } from '../src/experiment/presets.ts';
import type { ExperimentRecipe } from '../src/experiment/recipe.ts';
import { runExperiment } from '../src/experiment/runner.ts';
import { checkRunState, type RunState } from '../src/experiment/runState.ts';
import { MemoryRunStore } from '../src/experiment/runStore.ts';
import { formatRunTiming, newRunTiming, type RunTiming } from '../src/experiment/runTiming.ts';
import { validateRecipe } from '../src/experiment/validateRecipe.ts';
import { selectBackend } from '../src/platform/backend.ts';
import { recipeStepGflop } from '../src/cli/recipeStepGflop.ts';
import { machineLine } from './machine.ts';

function shortened(
  reference: ExperimentRecipe,
  pretrainSteps: number,
  selectSteps: number,
  finetuneSteps: number,
): ExperimentRecipe {
  const recipe = structuredClone(reference);
  recipe.pretrain.steps = pretrainSteps;
  recipe.pretrain.warmupSteps = Math.min(recipe.pretrain.warmupSteps, Math.floor(pretrainSteps / 5));
  recipe.pretrain.checkpointEvery = Math.max(1, Math.floor(pretrainSteps / 2));
  recipe.select.steps = selectSteps;
  recipe.finetune.steps = finetuneSteps;
  return validateRecipe(recipe);
}

/** How many evaluations of each kind a finished run made (from its state). */
function evaluationCounts(state: RunState): { full: number; live: number } {
  const points = state.stages.flatMap((s) => s.evaluations);
  const live = points.filter((p) => p.probeSet === 'live').length;
  return { full: points.length - live, live };
}

/** Evaluations the full recipe makes: every evalEvery steps during a stage (live), one per stage end (full). */
function plannedEvaluations(recipe: ExperimentRecipe): { full: number; live: number } {
  const during = (steps: number, every: number) => (every > 0 ? Math.ceil(steps / every) - 1 : 0);
  const branches = recipe.finetune.conditions.length * recipe.seeds.finetune.length;
  return {
    full: 2 + branches,
    live:
      during(recipe.pretrain.steps, recipe.pretrain.checkpointEvery) +
      branches * during(recipe.finetune.steps, recipe.eval.every),
  };
}

export async function runReferenceShort(args: readonly string[]): Promise<void> {
  const option = (name: string, fallback: number) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const reference = presetRecipe('reference');
  const recipe = shortened(
    reference,
    option('--pretrain', 50),
    option('--select', 10),
    option('--finetune', 10),
  );
  // The backend as `run` starts it: wasm threads where they pay for this model (or as
  // PERSONA_LAB_WASM_THREADS says).
  const backend = await selectBackend('wasm', { stepGflop: recipeStepGflop(reference) });
  console.log(
    `wasm threads: ${backend.wasm?.threads ? backend.wasm.threadsCount : 'off'} (${backend.wasm?.threadsReason ?? '?'})`,
  );
  const start = performance.now();
  const inputs = corpusInputs(recipe);
  const store = new MemoryRunStore();
  const branches = recipe.finetune.conditions.length * recipe.seeds.finetune.length;
  console.log(
    `reference-short on ${backend.backend}: pretrain ${recipe.pretrain.steps} steps, select ${recipe.select.steps}, ` +
      `${branches} branches x ${recipe.finetune.steps} steps (evaluation every ${recipe.eval.every}), ` +
      `${inputs.probes.length} probes, live subset ${recipe.eval.liveProbes}`,
  );
  await runExperiment(recipe, {
    store,
    backend: backend.backend,
    inputs,
    onEvent: (e) => {
      if (e.type === 'stage' && e.status === 'done')
        console.log(`  ${e.stage} done at ${((performance.now() - start) / 1000).toFixed(0)} s`);
    },
  });
  const seconds = (performance.now() - start) / 1000;
  const state = checkRunState(await store.loadState(), recipe);
  const timing: RunTiming = state.timing ?? newRunTiming();
  const counts = evaluationCounts(state);
  console.log(
    `\n${machineLine()}\nwall ${seconds.toFixed(1)} s (corpus generation included); the run state's breakdown:`,
  );
  for (const line of formatRunTiming(timing)) console.log(line);

  // Projection: the evaluation time split between full and live in proportion to probes scored.
  const liveShare =
    Math.min(recipe.eval.liveProbes || inputs.probes.length, inputs.probes.length) / inputs.probes.length;
  const perFull = timing.evaluation / (counts.full + counts.live * liveShare);
  const planned = plannedEvaluations(reference);
  const projected = {
    pretrain: (timing.pretrain / recipe.pretrain.steps) * reference.pretrain.steps,
    select: (timing.select / recipe.select.steps) * reference.select.steps,
    finetune: (timing.finetune / recipe.finetune.steps) * reference.finetune.steps,
    evaluation: perFull * (planned.full + planned.live * liveShare),
  };
  const total = Object.values(projected).reduce((a, b) => a + b, 0);
  console.log(
    `\nevaluations here: ${counts.full} full, ${counts.live} live; one full evaluation ~${perFull.toFixed(1)} s\n` +
      `projected reference experiment (${planned.full} full and ${planned.live} live evaluations; without ` +
      `sampling, checkpoints and set-up): ${(total / 60).toFixed(0)} min, of which ` +
      Object.entries(projected)
        .map(([k, v]) => `${k} ${((100 * v) / total).toFixed(1)}%`)
        .join(', '),
  );
  mkdirSync('bench/out', { recursive: true });
  writeFileSync(
    'bench/out/reference-short.json',
    JSON.stringify(
      { machine: machineLine(), date: new Date().toISOString(), recipe, seconds, timing, counts, projected },
      null,
      2,
    ),
  );
  console.log('wrote bench/out/reference-short.json');
}
