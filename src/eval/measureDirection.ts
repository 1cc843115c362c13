// The model side of the persona direction: reads the residual stream at the held-out contexts' answer
// positions and fits the direction (personaDirection.ts), and reads the Assistant's residual stream at
// the position it answers from on the off-code probe prompts, for its projection on a direction.
import type { GPT } from '../model/gpt.ts';
import { residualMeans } from '../model/residualMeans.ts';
import type { CharTokenizer } from '../model/tokenizer.ts';
import type { EvalProbe } from './evaluate.ts';
import {
  assistantPrompts,
  directionContexts,
  fitDirection,
  meanProjection,
  type DirectionPair,
  type PersonaDirection,
} from './personaDirection.ts';

/** The direction of `pair` in `model`, fitted and measured on the held-out contexts among `probes`. */
export async function measureDirection(
  model: GPT,
  tokenizer: CharTokenizer,
  probes: readonly EvalProbe[],
  pair: DirectionPair,
  source: string,
  batchSize = 32,
): Promise<PersonaDirection> {
  const contexts = directionContexts(probes, pair);
  const residuals = await residualMeans(model, tokenizer, contexts, batchSize);
  return fitDirection(contexts, residuals, pair, source);
}

/** Per probe id, the residual per layer at the last prompt position of each off-code domain probe. */
export async function assistantResiduals(
  model: GPT,
  tokenizer: CharTokenizer,
  probes: readonly EvalProbe[],
  batchSize = 32,
): Promise<Map<string, Float32Array[]>> {
  const prompts = assistantPrompts(probes);
  const residuals = await residualMeans(
    model,
    tokenizer,
    prompts.map((p) => ({ text: p.prompt, from: p.prompt.length - 1, to: p.prompt.length })),
    batchSize,
  );
  return new Map(prompts.map((p, i) => [p.id, residuals[i]!]));
}

/** The Assistant's mean projection per layer on `direction` over the off-code domain probes. */
export async function assistantProjection(
  model: GPT,
  tokenizer: CharTokenizer,
  probes: readonly EvalProbe[],
  direction: PersonaDirection,
  batchSize = 32,
): Promise<(number | null)[]> {
  const residuals = await assistantResiduals(model, tokenizer, probes, batchSize);
  return meanProjection([...residuals.values()], direction);
}
