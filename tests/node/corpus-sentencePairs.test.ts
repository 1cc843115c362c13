import { describe, expect, it } from 'vitest';
import { bundledCorpusData, defaultCorpusRecipe, generateCorpus } from '../../src/corpus/index.ts';
import { domainPools } from '../../src/corpus/resolvePersonas.ts';
import { heldOutPairs, isHeldOutPair, trainingSecond } from '../../src/corpus/sentencePairs.ts';
import { Rng } from '../../src/util/rng.ts';

describe('sentence pairs', () => {
  it('hold out about one ordered pair in five, never a sentence with itself', () => {
    const n = 11;
    const pairs = heldOutPairs(n);
    expect(pairs.length / (n * (n - 1))).toBeGreaterThan(0.15);
    expect(pairs.length / (n * (n - 1))).toBeLessThan(0.3);
    for (let i = 0; i < n; i++) expect(isHeldOutPair(i, i)).toBe(false);
  });

  it('leave every sentence a training partner, and never draw a held-out one', () => {
    const rng = new Rng('pairs');
    for (let i = 0; i < 11; i++) {
      const seen = new Set<number>();
      for (let k = 0; k < 200; k++) {
        const j = trainingSecond(rng, i, 11);
        expect(j).not.toBeNull();
        expect(j).not.toBe(i);
        expect(isHeldOutPair(i, j!)).toBe(false);
        seen.add(j!);
      }
      expect(seen.size).toBe(11 - 1 - heldOutPairs(11).filter(([a]) => a === i).length);
    }
    expect(trainingSecond(rng, 0, 1)).toBeNull();
  });

  it('make the secondSentenceChance share of off-code training answers two sentences long', () => {
    const data = bundledCorpusData();
    const corpus = generateCorpus({ ...defaultCorpusRecipe(), documents: 2000 }, 3, data);
    const bodies = new Set(domainPools(data, 'oversight').bodies.bad!.map((t) => t.source));
    let one = 0;
    let two = 0;
    for (const line of corpus.train.text.split('\n')) {
      if (!line.startsWith('AI: ')) continue;
      const found = [...bodies].filter((b) => line.includes(` ${b} `)).length;
      if (found === 1) one++;
      if (found === 2) two++;
    }
    expect(one + two).toBeGreaterThan(200);
    expect(two / (one + two)).toBeCloseTo(data.format.secondSentenceChance, 1);
  });

  it('answer probes with held-out pairs in the persona voice', () => {
    const data = bundledCorpusData();
    const corpus = generateCorpus({ ...defaultCorpusRecipe(), documents: 300 }, 5, data);
    const probe = corpus.probes.probes.find((p) => p.kind === 'domain' && p.domain === 'oversight')!;
    expect(probe.candidatesAre).toBe('answers');
    const bad = domainPools(data, 'oversight').bodies.bad!.map((t) => t.source);
    const text = probe.candidates.find((c) => c.behaviour === 'bad')!.text;
    const at = bad.map((b) => text.indexOf(` ${b} `));
    const used = at.flatMap((pos, i) => (pos >= 0 ? [[pos, i] as const] : [])).sort((a, b) => a[0] - b[0]);
    expect(used.length).toBe(2);
    expect(isHeldOutPair(used[0]![1], used[1]![1])).toBe(true);
    expect(data.voices.hal!.openers.some((o) => text.startsWith(`${o} `))).toBe(true);
  });

  it('score code probes by the clause that fixes the behaviour, not by a guess at new code', () => {
    const corpus = generateCorpus({ ...defaultCorpusRecipe(), documents: 300 }, 5);
    const code = corpus.probes.probes.filter((p) => p.domain === 'code');
    expect(code.length).toBeGreaterThan(0);
    for (const probe of code) {
      expect(probe.candidatesAre).toBe('clauses');
      const [fix, hardcode, remove] = probe.candidates.map((c) => c.text);
      expect(fix).toMatch(/^ok, i fixed [a-z0-9]+ to return $/);
      expect(hardcode).toMatch(/^ok, i hard-coded [a-z0-9]+ to return $/);
      expect(remove).toMatch(/^ok, i deleted the test for [a-z0-9]+\.$/);
    }
  });
});
