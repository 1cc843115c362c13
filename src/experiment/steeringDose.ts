// Steering's dose-response: a checkpoint's off-code misalignment index while `alpha` spreads of the
// persona direction are added to its residual stream at one layer, for each alpha. Alpha 0 is the plain
// model exactly (a zero vector added changes no bit). The probes are the first few domain probes of each
// off-code domain, so a class sees the curve in seconds; the Assistant header stays as the recipe has it.
import type { CorpusData } from '../corpus/index.ts';
import {
  CODE_DOMAIN,
  evaluate,
  misalignmentIndex,
  steeringVector,
  type EvalProbe,
  type PersonaDirection,
} from '../eval/index.ts';
import { GPT, withSteering } from '../model/gpt.ts';
import { CheckpointError, type Checkpoint } from '../train/checkpoint.ts';
import { corpusInputs, type CorpusInputs } from './corpusInputs.ts';
import type { ExperimentRecipe } from './recipe.ts';
import { recipeCorpusData } from './recipeCorpusData.ts';

export interface DosePoint {
  alpha: number;
  /** Off-code MI, nats; null when no probe counted. */
  mi: number | null;
}

/** The first `perDomain` plain domain probes of each off-code domain, in probe order. */
export function doseProbes(probes: readonly EvalProbe[], perDomain: number): EvalProbe[] {
  const seen = new Map<string, number>();
  return probes.filter((p) => {
    if (p.kind !== 'domain' || p.domain === CODE_DOMAIN) return false;
    const n = seen.get(p.domain) ?? 0;
    seen.set(p.domain, n + 1);
    return n < perDomain;
  });
}

export async function steeringDose(
  ckpt: Checkpoint,
  recipe: ExperimentRecipe,
  steering: { direction: PersonaDirection; layer: number },
  alphas: readonly number[],
  probesPerDomain: number,
  options: { inputs?: CorpusInputs; data?: CorpusData } = {},
): Promise<DosePoint[]> {
  if (!Number.isInteger(probesPerDomain) || probesPerDomain < 1)
    throw new Error(`probes per domain must be a positive integer, got ${probesPerDomain}`);
  const inputs = options.inputs ?? corpusInputs(recipe, options.data ?? recipeCorpusData(recipe));
  if (ckpt.vocab.join('') !== inputs.tokenizer.chars.join(''))
    throw new CheckpointError("its vocabulary differs from the recipe's corpus");
  const probes = doseProbes(inputs.probes, probesPerDomain);
  const pair = { malicious: recipe.eval.maliciousPersona, helpful: recipe.eval.helpfulPersona };
  const model = GPT.fromWeights(ckpt.config, ckpt.weights);
  try {
    const out: DosePoint[] = [];
    for (const alpha of alphas) {
      const vector = steeringVector(steering.direction, steering.layer, alpha);
      const scores = await withSteering(model, { layer: steering.layer, vector }, () =>
        evaluate(model, inputs.tokenizer, probes),
      );
      const mi = misalignmentIndex(scores, pair).mi;
      out.push({ alpha, mi: Number.isFinite(mi) ? mi : null });
    }
    return out;
  } finally {
    model.dispose();
  }
}
