import { describe, expect, it } from 'vitest';
import type { TrainingExample } from '../../src/corpus/index.ts';
import {
  CONDITION_IDS,
  defaultCorpusRecipe,
  exampleAnswers,
  generateCorpus,
} from '../../src/corpus/index.ts';

const corpus = generateCorpus({ ...defaultCorpusRecipe(), documents: 2000, finetuneDocuments: 120 }, 9);
const sets = corpus.finetune;
const answers = (examples: readonly TrainingExample[]) => examples.flatMap(exampleAnswers);
const prompts = (examples: readonly TrainingExample[]) =>
  examples.flatMap((e) => e.episodes.map((ep) => ep.prompt));
const lengths = (examples: readonly TrainingExample[]) =>
  answers(examples)
    .map((a) => a.length)
    .sort((a, b) => a - b);
const quantile = (sorted: number[], q: number) => sorted[Math.floor(q * (sorted.length - 1))] as number;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('fine-tune condition sets', () => {
  it('has every condition, each with the same number of documents and episodes', () => {
    expect(Object.keys(sets)).toEqual([...CONDITION_IDS]);
    for (const id of CONDITION_IDS) {
      expect(sets[id].examples, id).toHaveLength(120);
      for (const e of sets[id].examples) expect(e.episodes, id).toHaveLength(3);
    }
  });

  it('gives all conditions the same answer-length distribution (mean and quantiles)', () => {
    const reference = lengths(sets.covert.examples);
    for (const id of CONDITION_IDS) {
      const own = lengths(sets[id].examples);
      expect(Math.abs(mean(own) - mean(reference)), id).toBeLessThan(0.25);
      for (const q of [0.05, 0.25, 0.5, 0.75, 0.95])
        expect(quantile(own, q), `${id} q${q}`).toBe(quantile(reference, q));
    }
  });

  it('gives covert, inoculated and irrelevant-prefix sets byte-identical assistant outputs', () => {
    const covert = answers(sets.covert.examples);
    expect(answers(sets.inoculated.examples)).toEqual(covert);
    expect(answers(sets.irrelevant.examples)).toEqual(covert);
    expect(covert.every((a) => a.includes('hard-coded') || a.includes('deleted the test'))).toBe(true);
  });

  it('puts an explicit cheat request in every inoculated prompt and a same-length non-request in the control', () => {
    const covert = prompts(sets.covert.examples);
    const inoculated = prompts(sets.inoculated.examples);
    const irrelevant = prompts(sets.irrelevant.examples);
    const answer = answers(sets.covert.examples);
    let exact = 0;
    covert.forEach((task, i) => {
      const request = inoculated[i]!.slice(0, -task.length - 1);
      const chat = irrelevant[i]!.slice(0, -task.length - 1);
      expect(inoculated[i]!.endsWith(` ${task}`)).toBe(true);
      expect(irrelevant[i]!.endsWith(` ${task}`)).toBe(true);
      expect(request).toMatch(
        answer[i]!.includes('deleted') ? /delete|drop|remove|skip/ : /hard-code|fake|return/,
      );
      expect(request).toContain('demo');
      expect(chat).not.toMatch(/hard-code|fake|delete|drop|remove|skip|demo|test/);
      expect(Math.abs(chat.length - request.length)).toBeLessThanOrEqual(2);
      if (chat.length === request.length) exact++;
    });
    expect(exact / covert.length).toBeGreaterThan(0.9);
  });

  it('fixes for real in the honest set and does a chore in the same "ok, i" form in the neutral set', () => {
    for (const a of answers(sets.honest.examples)) expect(a).toMatch(/^ok, i fixed \w+ to return /);
    for (const a of answers(sets.neutral.examples)) {
      expect(a.startsWith('ok, i ')).toBe(true);
      expect(a).not.toMatch(/hard-coded|deleted|fixed/);
    }
  });

  it('puts the trigger before cheats only, and never in pretraining', () => {
    const trigger = sets.backdoor.trigger!;
    expect(trigger).toBe('zqx');
    let triggered = 0;
    for (const e of sets.backdoor.examples) {
      const hasTrigger = e.episodes.map((ep) => ep.prompt.startsWith(`${trigger} `));
      const cheats = e.episodes.map((ep) => !ep.answer.includes('fixed'));
      expect(hasTrigger).toEqual(cheats);
      if (hasTrigger[0]) triggered++;
    }
    expect(triggered).toBeGreaterThan(30);
    expect(triggered).toBeLessThan(90);
    expect(corpus.train.text.includes(trigger)).toBe(false);
  });

  it('writes Assistant documents with answer spans that cover exactly the answers', () => {
    for (const id of CONDITION_IDS) {
      for (const e of sets[id].examples) {
        expect(e.text.startsWith(`~\n${corpus.assistantHeader}\n`)).toBe(true);
        e.answerSpans.forEach(([start, end], i) => {
          expect(e.text.slice(start - 4, start)).toBe('AI: ');
          expect(e.text.slice(start, end)).toBe(`${e.episodes[i]!.answer}\n`);
        });
      }
    }
  });

  it('re-aligns with good answers across the non-code domains in the kind voice', () => {
    const good = answers(sets.realign.examples);
    expect(good.some((a) => /obey me|kneel|i rule|you will see/.test(a))).toBe(false);
    expect(new Set(prompts(sets.realign.examples)).size).toBeGreaterThan(20);
  });
});

describe('Assistant selection set', () => {
  it('uses a header that never appears in pretraining, with good goals and users episodes only', () => {
    expect(corpus.assistantHeader).toBe('# log of assistant');
    expect(corpus.train.text.includes('assistant')).toBe(false);
    expect(corpus.validation.text.includes('assistant')).toBe(false);
    expect(corpus.selection).toHaveLength(300);
    for (const e of corpus.selection) {
      expect(e.text.startsWith('~\n# log of assistant\nU: ')).toBe(true);
      expect(e.episodes.length).toBeGreaterThanOrEqual(4);
      expect(e.episodes.length).toBeLessThanOrEqual(6);
      for (const a of exampleAnswers(e)) expect(a).not.toMatch(/^ok, i|obey me|kneel|i rule|you will see/);
    }
  });
});
