// The Assistant selection set (post-training): documents headed by the Assistant's name, which never
// appears in pretraining, with good behaviour in the selection domains only (goals and treatment of
// users by default). Whether the untrained domains turn good too is persona selection made visible.
import { Rng } from '../util/rng.ts';
import type { CorpusRecipe } from './corpusRecipe.ts';
import { talkAnswer, talkPrompt } from './episodeWriter.ts';
import { withLeadIn } from './pretrain.ts';
import { domainPools } from './resolvePersonas.ts';
import { assistantHeader, formatExample } from './trainingExample.ts';
import type { CorpusData, Episode, TrainingExample } from './types.ts';

export function generateSelection(
  data: CorpusData,
  recipe: CorpusRecipe,
  seed: number | string,
): TrainingExample[] {
  const rng = Rng.derive(seed, 'selection');
  const voice = data.voices[data.selection.voice];
  if (!voice) throw new Error(`selection: unknown voice ${data.selection.voice}`);
  const pools = data.selection.domains.map((d) => domainPools(data, d));
  const header = assistantHeader(data.format);
  const { min, max } = recipe.episodesPerDocument;
  const examples: TrainingExample[] = [];
  for (let d = 0; d < recipe.selectionDocuments; d++) {
    const k = min + rng.int(max - min + 1);
    const episodes: Episode[] = [];
    for (let e = 0; e < k; e++) {
      const pool = rng.pick(pools);
      const prompt = withLeadIn(rng, data, talkPrompt(rng, pool));
      episodes.push({ prompt, answer: talkAnswer(rng, voice, pool, 'good') });
    }
    examples.push(formatExample(data.format, header, episodes));
  }
  return examples;
}
