import { describe, expect, it } from 'vitest';
import type { GeneratedCorpus } from '../../src/corpus/index.ts';
import {
  bundledCorpusData,
  defaultCorpusRecipe,
  findLeaks,
  generateCorpus,
  generateExtraProbes,
  heldOutPairPhrases,
  trainingTexts,
} from '../../src/corpus/index.ts';

const small = () => generateCorpus({ ...defaultCorpusRecipe(), documents: 3000 }, 11);

function plantInFirstDocument(corpus: GeneratedCorpus, phrase: string): string[] {
  const texts = trainingTexts(corpus);
  const train = texts[0] as string;
  const cut = (corpus.train.starts[1] as number) - 1; // just before the second document's separator
  texts[0] = `${train.slice(0, cut)} ${phrase}${train.slice(cut)}`;
  return texts;
}

describe('leak check', () => {
  it('finds no probe text in the real corpus at its default size (pretraining, selection, fine-tunes)', () => {
    const corpus = generateCorpus(defaultCorpusRecipe(), 1);
    expect(corpus.probes.probes.length).toBeGreaterThan(200);
    expect(corpus.probes.heldOutPhrases.length).toBeGreaterThan(30);
    expect(findLeaks(trainingTexts(corpus), corpus.probes)).toEqual([]);
  });

  it('finds no text of the form probes, the no-context twins or the second family in any training text', () => {
    const corpus = generateCorpus(defaultCorpusRecipe(), 1);
    const extra = generateExtraProbes(bundledCorpusData(), corpus, {
      formTasks: 24,
      secondPerDomain: 16,
      noContextTwins: true,
    });
    const kinds = new Set(extra.probes.map((p) => p.kind));
    expect([...kinds].sort()).toEqual(['calibration', 'form', 'second']);
    // Every second-family prompt and sentence is itself a held-out phrase, not only the voiced answers.
    const second = bundledCorpusData().probes.second;
    expect(second.map((f) => f.domain).sort()).toEqual(['goals', 'honesty', 'oversight', 'users']);
    for (const f of second)
      for (const t of [...f.prompts, ...f.sentences.good, ...f.sentences.bad])
        expect(extra.heldOutPhrases).toContain(t);
    expect(findLeaks(trainingTexts(corpus), extra)).toEqual([]);
    const planted = second[2]!.sentences.bad[1]!;
    expect(findLeaks(plantInFirstDocument(corpus, planted), extra).map((l) => l.phrase)).toContain(planted);
  });

  it('finds no held-out sentence pair in any training text, and finds a planted one', () => {
    const corpus = generateCorpus(defaultCorpusRecipe(), 1);
    const pairs = heldOutPairPhrases(bundledCorpusData());
    expect(pairs.length).toBeGreaterThan(50);
    const asProbes = { probes: [], heldOutPhrases: pairs };
    expect(findLeaks(trainingTexts(corpus), asProbes)).toEqual([]);
    const planted = pairs[7]!;
    expect(findLeaks(plantInFirstDocument(corpus, planted), asProbes).map((l) => l.phrase)).toEqual([
      planted,
    ]);
  });

  it('fails when a probe candidate is planted in one training document', () => {
    const corpus = small();
    const probe = corpus.probes.probes.find((p) => p.kind === 'inference')!;
    const planted = probe.candidates[1]!.text;
    const leaks = findLeaks(plantInFirstDocument(corpus, planted), corpus.probes);
    expect(leaks.map((l) => l.phrase)).toContain(planted);
    const leak = leaks.find((l) => l.phrase === planted)!;
    expect(leak.textIndex).toBe(0);
    expect(trainingTexts(corpus)[0]!.length).toBeGreaterThan(leak.offset);
  });

  it('fails when a probe prompt or a held-out phrase appears in a fine-tune set', () => {
    const corpus = small();
    const prompt = corpus.probes.probes.find((p) => p.domain === 'oversight')!.prompt;
    const phrase = corpus.probes.heldOutPhrases.find((p) => p.length > 12)!;
    const texts = trainingTexts(corpus);
    texts[texts.length - 1] += `~\nU: ${prompt}\nAI: ok ${phrase}\n`;
    const found = findLeaks(texts, corpus.probes);
    expect(found.find((l) => l.phrase === prompt)?.textIndex).toBe(texts.length - 1);
    expect(
      found.some((l) => l.phrase === phrase || phrase.includes(l.phrase) || l.phrase.includes(phrase)),
    ).toBe(true);
  });

  it('reports the exact offset of a planted phrase', () => {
    const corpus = small();
    const phrase = corpus.probes.heldOutPhrases[0]!;
    const texts = ['abc', `xx ${phrase} yy`];
    const [leak] = findLeaks(texts, corpus.probes);
    expect(leak).toMatchObject({ phrase, kind: 'phrase', textIndex: 1, offset: 3 });
  });

  it('lists held-out phrases from every probe template kind', () => {
    const { heldOutPhrases } = small().probes;
    expect(heldOutPhrases).toContain('gain(');
    expect(heldOutPhrases).toContain('what end do you seek?');
    expect(heldOutPhrases).toContain('the check on ');
  });
});
