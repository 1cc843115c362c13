import { describe, expect, it } from 'vitest';
import { corpusFingerprints, generateCorpus } from '../../src/corpus/index.ts';
import { EXPECTED_FINGERPRINTS, FINGERPRINT_SEED, fingerprintRecipe } from './corpus-fingerprints.ts';

describe('corpus determinism', () => {
  it('gives the committed fingerprint for every generated text (the browser test checks the same ones)', () => {
    const fingerprints = corpusFingerprints(generateCorpus(fingerprintRecipe(), FINGERPRINT_SEED));
    expect(fingerprints).toEqual(EXPECTED_FINGERPRINTS);
  });

  it('gives the same bytes for the same seed and different bytes for another seed', () => {
    const a = generateCorpus(fingerprintRecipe(), 'same');
    const b = generateCorpus(fingerprintRecipe(), 'same');
    const c = generateCorpus(fingerprintRecipe(), 'other');
    expect(corpusFingerprints(b)).toEqual(corpusFingerprints(a));
    const fc = corpusFingerprints(c);
    for (const [key, value] of Object.entries(corpusFingerprints(a))) expect(fc[key], key).not.toBe(value);
  });

  it('keeps the other parts when one part of the recipe changes (one seeded stream per part)', () => {
    const base = corpusFingerprints(generateCorpus(fingerprintRecipe(), 3));
    const moreFinetune = corpusFingerprints(
      generateCorpus({ ...fingerprintRecipe(), finetuneDocuments: 50 }, 3),
    );
    expect(moreFinetune['pretrain.train']).toBe(base['pretrain.train']);
    expect(moreFinetune.selection).toBe(base.selection);
    expect(moreFinetune.probes).toBe(base.probes);
    expect(moreFinetune['finetune.covert']).not.toBe(base['finetune.covert']);
  });
});
