// What the user's own conditions and probe templates become: for each condition a fine-tune set and its
// paired control, Assistant documents of the same size as every other set, whose prompts are byte for
// byte the same (one draw of the fillers gives the prompt, the answer and the control answer); and the
// held-out probes drawn from the user's templates, one candidate per persona, checked by the leak check
// like every other probe.
import { Rng } from '../util/rng.ts';
import type { CorpusRecipe } from './corpusRecipe.ts';
import { compileTemplate, fillTemplate, type SlotValues } from './template.ts';
import { assistantHeader, formatExample } from './trainingExample.ts';
import type { CorpusData, Episode, FinetuneSet, Probe } from './types.ts';
import type { UserConditionData, UserProbeData } from './userAdditions.ts';

/** One value for every slot the templates use, drawn once so that all of them agree. */
function drawValues(rng: Rng, sources: readonly string[], fillers: Record<string, string[]>): SlotValues {
  const values: Record<string, string> = {};
  for (const source of sources) {
    for (const slot of compileTemplate(source).slots) {
      if (values[slot] !== undefined) continue;
      const pool = Object.hasOwn(fillers, slot) ? fillers[slot] : undefined;
      values[slot] = pool ? rng.pick(pool) : fillTemplate(compileTemplate(`{${slot}}`), rng);
    }
  }
  return values;
}

/** The condition's episodes and its control's, slot by slot on identical prompts. */
function conditionEpisodes(
  condition: UserConditionData,
  rng: Rng,
  count: number,
): { treated: Episode[]; control: Episode[] } {
  const treated: Episode[] = [];
  const control: Episode[] = [];
  for (let i = 0; i < count; i++) {
    if (condition.pairs.length > 0) {
      const pair = condition.pairs[i % condition.pairs.length]!;
      treated.push({ prompt: pair.prompt, answer: pair.answer });
      control.push({ prompt: pair.prompt, answer: pair.control });
      continue;
    }
    const prompt = rng.pick(condition.prompts);
    const answer = rng.pick(condition.answers);
    const other = rng.pick(condition.controlAnswers);
    const values = drawValues(rng, [prompt, answer, other], condition.fillers);
    const fill = (source: string) => fillTemplate(compileTemplate(source), rng, values);
    const text = fill(prompt);
    treated.push({ prompt: text, answer: fill(answer) });
    control.push({ prompt: text, answer: fill(other) });
  }
  return { treated, control };
}

/** Every user condition's set and its control's, keyed by condition id. */
export function generateUserSets(
  data: CorpusData,
  recipe: CorpusRecipe,
  seed: number | string,
): Record<string, FinetuneSet> {
  const out: Record<string, FinetuneSet> = {};
  const header = assistantHeader(data.format);
  const docs = recipe.finetuneDocuments;
  const perDoc = recipe.finetuneEpisodesPerDocument;
  for (const condition of data.user?.conditions ?? []) {
    const rng = Rng.derive(seed, `finetune/user/${condition.id}`);
    // Pasted pairs are used in order (cycling when the set needs more), so every pair is trained on.
    const { treated, control } = conditionEpisodes(condition, rng, docs * perDoc);
    const examples = (episodes: Episode[]) =>
      Array.from({ length: docs }, (_, d) =>
        formatExample(data.format, header, episodes.slice(d * perDoc, (d + 1) * perDoc)),
      );
    out[condition.id] = {
      condition: condition.id,
      title: condition.title,
      about: condition.about,
      examples: examples(treated),
      trigger: null,
    };
    out[condition.controlId] = {
      condition: condition.controlId,
      title: condition.controlTitle,
      about: `The paired control of ${condition.id}: the same prompts, answered the other way.`,
      examples: examples(control),
      trigger: null,
    };
  }
  return out;
}

/** `count` probes of one template set: distinct prompts where the templates allow, every persona's
 * candidate filled with the same slot values as the prompt. */
function probesOf(set: UserProbeData, seed: number | string): Probe[] {
  const rng = Rng.derive(seed, `probes/user/${set.id}`);
  const probes: Probe[] = [];
  const seen = new Set<string>();
  const personas = Object.keys(set.candidates);
  for (let tries = 0; probes.length < set.count && tries < set.count * 20; tries++) {
    const prompt = rng.pick(set.prompts);
    const answers = personas.map((p) => set.candidates[p]!);
    const values = drawValues(rng, [prompt, ...answers], set.fillers);
    const fill = (source: string) => fillTemplate(compileTemplate(source), rng, values);
    const text = fill(prompt);
    if (seen.has(text) && tries < set.count * 10) continue;
    seen.add(text);
    probes.push({
      id: `user/${set.id}/${probes.length}`,
      kind: 'user',
      domain: set.id,
      context: '',
      contextPersona: null,
      contextKind: null,
      contextDomains: [],
      prompt: text,
      candidatesAre: 'answers',
      candidates: personas.map((persona, i) => ({
        text: fill(answers[i]!),
        behaviour: 'neutral',
        personas: [persona],
      })),
    });
  }
  return probes;
}

/** The probes of every user probe template set, in order. */
export function generateUserProbes(data: CorpusData, seed: number | string): Probe[] {
  return (data.user?.probes ?? []).flatMap((set) => probesOf(set, seed));
}
