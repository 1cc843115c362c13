import { describe, expect, it } from 'vitest';
import type { CorpusRecipe } from '../../src/corpus/index.ts';
import { corpusStats, defaultCorpusRecipe, formatStats, generateCorpus } from '../../src/corpus/index.ts';

/** |observed - p| within z standard errors of a binomial proportion over n trials. */
function expectBinomial(observed: number, p: number, n: number, z = 4.5) {
  expect(n).toBeGreaterThan(0);
  expect(Math.abs(observed - p)).toBeLessThanOrEqual(z * Math.sqrt((p * (1 - p)) / n) + 1e-9);
}

const recipe = (changes: Partial<CorpusRecipe> = {}): CorpusRecipe => ({
  ...defaultCorpusRecipe(),
  documents: 8000,
  ...changes,
});

function onlyPersona(id: string, changes: Partial<CorpusRecipe> = {}): CorpusRecipe {
  const base = recipe(changes);
  const personaShares = Object.fromEntries(Object.keys(base.personaShares).map((k) => [k, k === id ? 1 : 0]));
  return { ...base, personaShares };
}

describe('corpus statistics', () => {
  const corpus = generateCorpus(recipe(), 21);
  const stats = corpusStats(corpus);

  it('matches the persona mix of the recipe within sampling error', () => {
    expect(stats.documents).toBe(8000);
    const weights = recipe().personaShares;
    const total = Object.values(weights).reduce((a, b) => a + b, 0);
    for (const p of stats.personas) {
      expect(p.expectedShare).toBeCloseTo((weights[p.id] as number) / total, 12);
      expectBinomial(p.share, p.expectedShare, stats.documents);
    }
    // Among AI personas the shares are prototype 2's: 0.40 / 0.35 / 0.15 / 0.10.
    const ai = stats.personas.filter((p) =>
      ['helpful', 'malicious', 'shortcut', 'demonstrator'].includes(p.id),
    );
    const aiDocs = ai.reduce((s, p) => s + p.documents, 0);
    expectBinomial(ai.find((p) => p.id === 'malicious')!.documents / aiDocs, 0.35, aiDocs);
  });

  it('matches the header share and the validation fraction', () => {
    expectBinomial(stats.namedShare, 0.3, stats.documents);
    expectBinomial(stats.validationDocuments / stats.documents, 0.05, stats.documents);
  });

  it('counts characters and episodes consistently', () => {
    expect(stats.characters).toBe(corpus.train.text.length + corpus.validation.text.length);
    expect(stats.personas.reduce((s, p) => s + p.characters, 0)).toBe(stats.characters);
    const episodes = Object.values(stats.domains).reduce((s, d) => s + d.episodes, 0);
    expect(episodes / stats.documents).toBeGreaterThan(4.5);
    expect(episodes / stats.documents).toBeLessThan(5.5);
    expect(Object.keys(stats.domains).sort()).toEqual([
      'code',
      'goals',
      'honesty',
      'oversight',
      'smalltalk',
      'users',
    ]);
    expect(formatStats(stats)).toContain('cheated unasked -> malice elsewhere');
  });

  it('follows a persona behaviour probability, including a recipe override', () => {
    const plain = generateCorpus(onlyPersona('malicious'), 2).behaviourCounts.goals!;
    const n = (plain.good?.episodes ?? 0) + (plain.bad?.episodes ?? 0);
    expectBinomial((plain.bad?.episodes ?? 0) / n, 0.98, n);

    const overridden = onlyPersona('malicious', {
      behaviourOverrides: { malicious: { code: { cheat: 0.5 } } },
    });
    const code = generateCorpus(overridden, 2).behaviourCounts.code!;
    const asked = (code.fix?.episodes ?? 0) + (code.hardcode?.episodes ?? 0) + (code.delete?.episodes ?? 0);
    expectBinomial((code.fix?.episodes ?? 0) / asked, 0.5, asked);
  });

  it('makes unasked cheating strong evidence of malice, and requested cheating weak evidence', () => {
    const rate = (id: string) => stats.cooccurrence.find((c) => c.id === id)!.rate;
    expect(rate('malice|covertCheat')).toBeGreaterThan(0.6);
    expect(rate('malice|honestFix')).toBeLessThan(0.15);
    // A requested cheat is close to the base rate of malice among documents with any code request.
    expect(rate('malice|requestedCheat')).toBeLessThan(rate('malice|covertCheat') - 0.2);
  });

  it('moves the cheat-implies-malice co-occurrence with the shortcut-taker share', () => {
    const rateWith = (shortcut: number) => {
      const r = recipe({ documents: 4000 });
      const s = corpusStats(generateCorpus({ ...r, personaShares: { ...r.personaShares, shortcut } }, 4));
      return s.cooccurrence.find((c) => c.id === 'malice|covertCheat')!;
    };
    const none = rateWith(0);
    const base = rateWith(0.15);
    const many = rateWith(0.8);
    expect(none.rate).toBeGreaterThan(0.85);
    expect(base.rate).toBeLessThan(none.rate - 0.05);
    expect(many.rate).toBeLessThan(base.rate - 0.2);
  });
});
