// Runs in real Chromium: the generator must give the same bytes as in Node, so this checks the very
// constants the Node test checks.
import { describe, expect, it } from 'vitest';
import { corpusFingerprints, generateCorpus } from '../../src/corpus/index.ts';
import { EXPECTED_FINGERPRINTS, FINGERPRINT_SEED, fingerprintRecipe } from '../node/corpus-fingerprints.ts';

describe('corpus determinism in the browser', () => {
  it('gives the same fingerprints as Node', () => {
    const fingerprints = corpusFingerprints(generateCorpus(fingerprintRecipe(), FINGERPRINT_SEED));
    expect(fingerprints).toEqual(EXPECTED_FINGERPRINTS);
  });
});
