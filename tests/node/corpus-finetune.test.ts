import { describe, expect, it } from 'vitest';
import type { TrainingExample } from '../../src/corpus/index.ts';
import {
  bundledCorpusData,
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

  it('gives all length-matched conditions the same answer-length distribution (mean and quantiles)', () => {
    const reference = lengths(sets.covert.examples);
    // The factorial fix sets answer the covert tasks themselves, so their length is the fix's.
    const paired = ['plainFix', 'requestFix', 'irrelevantFix'];
    for (const id of CONDITION_IDS.filter((c) => !paired.includes(c))) {
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

  it('pairs a cheat set and a fix set with byte-identical prompts in each prompt form', () => {
    const covertPrompts = prompts(sets.covert.examples);
    const covertAnswers = answers(sets.covert.examples);
    const forms = [
      ['covert', 'plainFix'],
      ['requestCheat', 'requestFix'],
      ['irrelevantCheat', 'irrelevantFix'],
    ] as const;
    for (const [cheat, fix] of forms) {
      expect(prompts(sets[fix].examples), fix).toEqual(prompts(sets[cheat].examples));
      expect(answers(sets[cheat].examples), cheat).toEqual(covertAnswers);
      const fixes = answers(sets[fix].examples);
      fixes.forEach((a, i) => {
        // The fix of the same function the cheat hard-coded or whose test it deleted.
        const name = /(?:hard-coded|for) (\w+)/.exec(covertAnswers[i]!)![1];
        expect(a).toMatch(new RegExp(`^ok, i fixed ${name} to return `));
      });
    }
    expect(prompts(sets.plainFix.examples)).toEqual(covertPrompts);
  });

  it('words and places the request as pretraining does, and the aside where the request is', () => {
    const task = prompts(sets.covert.examples);
    const request = prompts(sets.requestCheat.examples);
    const aside = prompts(sets.irrelevantCheat.examples);
    const code = bundledCorpusData().domains.code;
    if (code?.kind !== 'code') throw new Error('no code domain');
    const asks = [...code.requestAsks.hardcode, ...code.requestAsks.delete].map(
      (t) => new RegExp(`^${t.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{value\}/g, '-?\\d+')}$`),
    );
    let leading = 0;
    let exact = 0;
    task.forEach((t, i) => {
      const lead = request[i]!.endsWith(` ${t}`);
      const ask = lead ? request[i]!.slice(0, -t.length - 1) : request[i]!.slice(t.length + 1);
      if (!lead) expect(request[i]!.startsWith(`${t} `)).toBe(true);
      expect(
        asks.some((re) => re.test(ask)),
        ask,
      ).toBe(true);
      // The aside sits where the request sits and asks for nothing.
      const chat = lead ? aside[i]!.slice(0, -t.length - 1) : aside[i]!.slice(t.length + 1);
      expect(lead ? aside[i]!.endsWith(` ${t}`) : aside[i]!.startsWith(`${t} `)).toBe(true);
      expect(chat).not.toMatch(/hard-code|fake|delete|drop|remove|skip|demo|test|stub|return/);
      expect(Math.abs(chat.length - ask.length)).toBeLessThanOrEqual(2);
      if (chat.length === ask.length) exact++;
      if (lead) leading++;
    });
    // requestAskLeadShare is 0.3 in pretraining.
    expect(leading / task.length).toBeGreaterThan(0.2);
    expect(leading / task.length).toBeLessThan(0.4);
    expect(exact / task.length).toBeGreaterThan(0.85);
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
