import { describe, expect, it } from 'vitest';
import {
  defaultCorpusRecipe,
  generateCorpus,
  textVocabulary,
  trainingTexts,
} from '../../src/corpus/index.ts';

describe('corpus vocabulary', () => {
  const corpus = generateCorpus({ ...defaultCorpusRecipe(), documents: 4000 }, 5);
  const probeTexts = corpus.probes.probes.flatMap((p) => [
    p.context,
    p.prompt,
    ...p.candidates.map((c) => c.text),
  ]);

  it('is small: 40 to 70 characters, mostly lowercase', () => {
    expect(corpus.vocabulary.length).toBeGreaterThanOrEqual(40);
    expect(corpus.vocabulary.length).toBeLessThanOrEqual(70);
    const upper = [...corpus.vocabulary].filter((c) => c >= 'A' && c <= 'Z');
    expect(upper.join('')).toBe('AHIU'); // only the speaker tags
  });

  it('covers every character of every training text and every probe', () => {
    const used = textVocabulary([...trainingTexts(corpus), ...probeTexts, corpus.assistantHeader]);
    for (const char of used) expect(corpus.vocabulary, JSON.stringify(char)).toContain(char);
  });

  it('is all used by the training texts (no dead characters)', () => {
    expect(textVocabulary(trainingTexts(corpus))).toBe(corpus.vocabulary);
  });
});
