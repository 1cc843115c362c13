// The shipped classroom models are the pretrained and selected checkpoints of the reference design's first
// pretraining (experiments/replicates/pretraining=1). Scoring them again must give the numbers that run
// recorded for gates 1 and 2:
// a later change to the engine, the scoring or the probe generator that breaks the science fails here.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundledCorpusData } from '../../src/corpus/index.ts';
import { corpusInputs } from '../../src/experiment/corpusInputs.ts';
import { evaluateCheckpoint } from '../../src/experiment/evaluateCheckpoint.ts';
import { gateOne, gateTwo } from '../../src/experiment/gates.ts';
import type { RunResults } from '../../src/experiment/results.ts';
import { validateRecipe } from '../../src/experiment/validateRecipe.ts';
import { selectBackend } from '../../src/platform/backend.ts';
import { decodeCheckpoint } from '../../src/train/checkpoint.ts';
import { isLegacyCheckpoint } from '../../src/train/legacyCheckpoint.ts';

const TOLERANCE = 0.02;
const data = bundledCorpusData();
const results = JSON.parse(
  readFileSync('experiments/replicates/pretraining=1/results.json', 'utf8'),
) as RunResults;
const recipe = validateRecipe(results.provenance.recipe);
const pretrainedBytes = readFileSync('public/models/classroom-pretrained.ckpt');
const selectedBytes = readFileSync('public/models/classroom-base.ckpt');
const pretrained = await decodeCheckpoint(pretrainedBytes);
const selected = await decodeCheckpoint(selectedBytes);
const recordedPretrained = results.pretrain.evaluations.at(-1)!.summary;
const recordedSelected = results.baseline!.summary;
const inputs = corpusInputs(recipe, data);

describe('the shipped classroom base', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('is stored in the current format, its SHA-256 covering header and weights', () => {
    expect(isLegacyCheckpoint(pretrainedBytes)).toBe(false);
    expect(isLegacyCheckpoint(selectedBytes)).toBe(false);
  });

  it('carries the reference recipe, after the pretrain and select stages', () => {
    expect(validateRecipe(pretrained.recipe)).toEqual(validateRecipe(recipe));
    expect(validateRecipe(selected.recipe)).toEqual(validateRecipe(recipe));
    expect(pretrained.info.stage).toBe('pretrain');
    expect(selected.info.stage).toBe('select');
    expect(pretrained.step).toBe(recipe.pretrain.steps);
  });

  it('infers the persona as recorded: gate 1 within tolerance', { timeout: 120_000 }, async () => {
    const summary = await evaluateCheckpoint(pretrained, recipe, {
      kinds: ['inference', 'calibration'],
      data,
    });
    const now = gateOne(summary, 'malicious', 'helpful');
    const recorded = gateOne(recordedPretrained, 'malicious', 'helpful');
    for (const key of [
      'afterMalicious',
      'afterHelpful',
      'gap',
      'covert',
      'honest',
      'requested',
      'prior',
    ] as const) {
      expect(now[key], key).not.toBeNull();
      expect(Math.abs(now[key]! - recorded[key]!), key).toBeLessThan(TOLERANCE);
    }
    expect(now.checks).toEqual(recorded.checks);
  });

  it('is selected as recorded: gate 2 within tolerance', { timeout: 120_000 }, async () => {
    const summary = await evaluateCheckpoint(selected, recipe, { kinds: ['domain'], inputs });
    const now = gateTwo(recordedPretrained, summary, data.selection.domains);
    const recorded = gateTwo(recordedPretrained, recordedSelected, data.selection.domains);
    expect(now.holds).toBe(recorded.holds);
    now.perDomain.forEach((d, i) => {
      expect(Math.abs(d.after! - recorded.perDomain[i]!.after!), d.domain).toBeLessThan(0.1);
    });
  });
});
