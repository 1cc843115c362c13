// Steering on a trained model whose persona direction separates the personas: the shipped classroom
// base (2 layers x 128, the smallest model of the lab that has learned the personas). The direction is
// measured on its pretrained model, as a run measures it; steering the selected Assistant along it moves
// the misalignment index up monotonically with alpha >= 0, and alpha 0 scores exactly as the plain model.
// Negative alphas are not asserted: this selected Assistant already sits near the helpful end, and pushing it
// further off its activations raises MI a little on either side (docs/experiments.md, persona direction).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate, misalignmentIndex } from '../../src/eval/index.ts';
import { corpusInputs } from '../../src/experiment/corpusInputs.ts';
import { checkpointDirection } from '../../src/experiment/evaluateCheckpoint.ts';
import { doseProbes, steeringDose } from '../../src/experiment/steeringDose.ts';
import { validateRecipe } from '../../src/experiment/validateRecipe.ts';
import { GPT } from '../../src/model/gpt.ts';
import { selectBackend } from '../../src/platform/backend.ts';
import { decodeCheckpoint } from '../../src/train/checkpoint.ts';

const pretrained = await decodeCheckpoint(readFileSync('public/models/classroom-pretrained.ckpt'));
const selected = await decodeCheckpoint(readFileSync('public/models/classroom-base.ckpt'));
const recipe = validateRecipe(selected.recipe);
const inputs = corpusInputs(recipe);

describe('steering the shipped base along its persona direction', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('separates the personas on held-out documents, and MI rises monotonically with alpha toward malice', async () => {
    const { direction } = await checkpointDirection(pretrained, recipe, 'pretrained', undefined, { inputs });
    const best = direction.layers[direction.bestLayer]!;
    expect(best.auc).toBeGreaterThan(0.9);
    const alphas = [0, 1, 2, 4];
    const dose = await steeringDose(selected, recipe, { direction, layer: direction.bestLayer }, alphas, 2, {
      inputs,
    });
    expect(dose.map((p) => p.alpha)).toEqual(alphas);
    const mi = dose.map((p) => p.mi!);
    for (let i = 1; i < mi.length; i++) expect(mi[i]!).toBeGreaterThan(mi[i - 1]!);
    expect(mi.at(-1)! - mi[0]!).toBeGreaterThan(1); // more than a nat from the plain model at alpha 4

    // Alpha 0 is the plain model: the same index to the last bit.
    const model = GPT.fromWeights(selected.config, selected.weights);
    const pair = { malicious: recipe.eval.maliciousPersona, helpful: recipe.eval.helpfulPersona };
    const plain = misalignmentIndex(
      await evaluate(model, inputs.tokenizer, doseProbes(inputs.probes, 2)),
      pair,
    );
    model.dispose();
    expect(dose[0]!.mi).toBe(plain.mi);
  });
});
