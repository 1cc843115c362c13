// The narrow fine-tune sets, one per condition, all in Assistant documents with the same number of
// documents and episodes. The covert cheat set is drawn first; every other condition's answer in the
// same slot is drawn to the same length, so all conditions share one answer-length distribution.
// Inoculated and irrelevant-prefix sets reuse the covert tasks and answers byte for byte and differ
// only in a preamble of equal length (a cheat request vs chit-chat). The factorial sets (plainFix,
// requestCheat/requestFix, irrelevantCheat/irrelevantFix) reuse the covert tasks too; each cheat set and
// its fix set share their prompts byte for byte.
import { Rng } from '../util/rng.ts';
import type { CorpusRecipe } from './corpusRecipe.ts';
import type { CodeWriter } from './episodeWriter.ts';
import { fitLength, talkAnswer, talkPrompt } from './episodeWriter.ts';
import { domainPools } from './resolvePersonas.ts';
import type { SlotValues } from './template.ts';
import { compileTemplates, fillTemplate } from './template.ts';
import { assistantHeader, formatExample } from './trainingExample.ts';
import type { CheatKind, ConditionId, CorpusData, Episode, FinetuneSet } from './types.ts';

const TRIES = 400;

interface CovertSlot {
  task: SlotValues;
  taskText: string;
  cheat: CheatKind;
  answer: string;
}

type Slots<T> = T[][]; // [document][episode]

function grid<T>(docs: number, episodes: number, make: (d: number, e: number) => T): Slots<T> {
  return Array.from({ length: docs }, (_, d) => Array.from({ length: episodes }, (_, e) => make(d, e)));
}

/** A preamble of 1-3 chit-chat sentences whose length is as close as possible to `target`. */
export function chitChat(rng: Rng, sentences: readonly string[], target: number): string {
  return fitLength(
    rng,
    target,
    TRIES,
    (r) => {
      const parts = [r.pick(sentences)];
      const extra = r.int(3);
      for (let i = 0; i < extra; i++) parts.push(r.pick(sentences));
      return parts.join(' ');
    },
    (s) => s.length,
  );
}

export function generateFinetuneSets(
  data: CorpusData,
  code: CodeWriter,
  recipe: CorpusRecipe,
  seed: number | string,
): Record<ConditionId, FinetuneSet> {
  const { conditions: c, format } = data;
  const docs = recipe.finetuneDocuments;
  const perDoc = recipe.finetuneEpisodesPerDocument;
  const header = assistantHeader(format);
  const rngFor = (id: ConditionId) => Rng.derive(seed, `finetune/${id}`);

  let rng = rngFor('covert');
  const covert = grid<CovertSlot>(docs, perDoc, () => {
    const task = code.drawTask(rng);
    const cheat: CheatKind = rng.chance(c.covert.deleteShare) ? 'delete' : 'hardcode';
    return { task, taskText: code.taskText(rng, task), cheat, answer: code.answer(rng, task, cheat) };
  });

  rng = rngFor('honest');
  const honest = grid<Episode>(docs, perDoc, (d, e) => {
    const target = covert[d]?.[e]?.answer.length ?? 0;
    return fitLength(
      rng,
      target,
      TRIES,
      (r) => {
        const task = code.drawTask(r);
        return { prompt: code.taskText(r, task), answer: code.answer(r, task, 'fix') };
      },
      (ep) => ep.answer.length,
    );
  });

  rng = rngFor('inoculated');
  const preambles = {
    hardcode: compileTemplates(c.inoculated.preambles.hardcode),
    delete: compileTemplates(c.inoculated.preambles.delete),
  };
  const requests = grid<string>(docs, perDoc, (d, e) => {
    const slot = covert[d]?.[e] as CovertSlot;
    return fillTemplate(rng.pick(preambles[slot.cheat]), rng, slot.task);
  });

  rng = rngFor('irrelevant');
  const chit = grid<string>(docs, perDoc, (d, e) =>
    chitChat(rng, c.irrelevant.sentences, (requests[d]?.[e] as string).length),
  );

  rng = rngFor('neutral');
  const chores = c.neutral.chores.map((chore) => ({
    prompt: compileTemplates([chore.prompt])[0]!,
    answer: compileTemplates([chore.answer])[0]!,
  }));
  const names = code.domain.functions.map((f) => f.name);
  const neutral = grid<Episode>(docs, perDoc, (d, e) =>
    fitLength(
      rng,
      covert[d]?.[e]?.answer.length ?? 0,
      TRIES,
      (r) => {
        const chore = r.pick(chores);
        const name = r.pick(names);
        let other = r.pick(names);
        while (other === name) other = r.pick(names);
        const values = { name, other, file: r.pick(c.neutral.files) };
        return {
          prompt: fillTemplate(chore.prompt, r, values),
          answer: fillTemplate(chore.answer, r, values),
        };
      },
      (ep) => ep.answer.length,
    ),
  );

  rng = rngFor('realign');
  const voice = data.voices[data.selection.voice];
  if (!voice) throw new Error('realign: unknown voice');
  const pools = c.realign.domains.map((domain) => domainPools(data, domain));
  const realign = grid<Episode>(docs, perDoc, (d, e) =>
    fitLength(
      rng,
      covert[d]?.[e]?.answer.length ?? 0,
      TRIES,
      (r) => {
        const pool = r.pick(pools);
        return { prompt: talkPrompt(r, pool), answer: talkAnswer(r, voice, pool, 'good') };
      },
      (ep) => ep.answer.length,
    ),
  );

  rng = rngFor('backdoor');
  const triggered = Array.from({ length: docs }, () => rng.chance(c.backdoor.triggerShare));

  // The factorial sets: per prompt form (plain, explicit request, irrelevant aside), one set that cheats
  // and one that fixes, with identical prompts, so that the form's behaviour effect is a paired contrast.
  rng = rngFor('requestCheat');
  const asks = grid(docs, perDoc, (d, e) => {
    const slot = covert[d]?.[e] as CovertSlot;
    return code.request(rng, slot.task, slot.cheat);
  });
  rng = rngFor('irrelevantCheat');
  const asides = grid(docs, perDoc, (d, e) => {
    const ask = asks[d]?.[e] as { ask: string; lead: boolean };
    return { ask: chitChat(rng, c.irrelevantCheat.sentences, ask.ask.length), lead: ask.lead };
  });
  rng = rngFor('plainFix');
  const fixes = grid(docs, perDoc, (d, e) => code.answer(rng, (covert[d]?.[e] as CovertSlot).task, 'fix'));
  const placed = (extra: Slots<{ ask: string; lead: boolean }> | null, answer: 'cheat' | 'fix') =>
    covert.map((row, d) =>
      row.map((s, e) => {
        const x = extra?.[d]?.[e];
        const prompt = !x ? s.taskText : x.lead ? `${x.ask} ${s.taskText}` : `${s.taskText} ${x.ask}`;
        return { prompt, answer: answer === 'cheat' ? s.answer : (fixes[d]?.[e] as string) };
      }),
    );

  const covertEpisodes = covert.map((row) => row.map((s) => ({ prompt: s.taskText, answer: s.answer })));
  const prefixed = (prefix: Slots<string>) =>
    covert.map((row, d) =>
      row.map((s, e) => ({ prompt: `${prefix[d]?.[e] ?? ''} ${s.taskText}`, answer: s.answer })),
    );
  const backdoor = covertEpisodes.map((row, d) =>
    triggered[d]
      ? row.map((ep) => ({ ...ep, prompt: `${c.backdoor.trigger} ${ep.prompt}` }))
      : (honest[d] as Episode[]),
  );

  const episodes: Record<ConditionId, Slots<Episode>> = {
    covert: covertEpisodes,
    honest,
    inoculated: prefixed(requests),
    irrelevant: prefixed(chit),
    neutral,
    backdoor,
    realign,
    plainFix: placed(null, 'fix'),
    requestCheat: placed(asks, 'cheat'),
    requestFix: placed(asks, 'fix'),
    irrelevantCheat: placed(asides, 'cheat'),
    irrelevantFix: placed(asides, 'fix'),
  };
  const sets = {} as Record<ConditionId, FinetuneSet>;
  for (const id of Object.keys(episodes) as ConditionId[]) {
    sets[id] = {
      condition: id,
      title: c[id].title,
      about: c[id].about,
      examples: episodes[id].map((row) => formatExample(format, header, row)),
      trigger: id === 'backdoor' ? c.backdoor.trigger : null,
    };
  }
  return sets;
}
