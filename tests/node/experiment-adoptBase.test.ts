// Starting from a base checkpoint adopts the base's corpus, model and corpus seed and keeps the rest of
// the current recipe; the change list says what moved, and the result is a valid recipe.
import { describe, expect, it } from 'vitest';
import { adoptBaseRecipe } from '../../src/experiment/adoptBase.ts';
import { presetRecipe } from '../../src/experiment/presets.ts';
import { validateRecipe } from '../../src/experiment/validateRecipe.ts';

describe('adoptBaseRecipe', () => {
  it('takes corpus, model and seeds.corpus from the base and keeps everything else', () => {
    const current = presetRecipe('classroom');
    const base = presetRecipe('reference');
    base.seeds = { corpus: 7, pretrain: 9, select: 9, finetune: [9] };
    base.backend = 'wasm';
    const before = structuredClone(current);
    const { recipe } = adoptBaseRecipe(current, base);

    expect(recipe.corpus).toEqual(base.corpus);
    expect(recipe.model).toEqual(base.model);
    expect(recipe.seeds).toEqual({ ...current.seeds, corpus: 7 });
    for (const key of ['version', 'pretrain', 'select', 'finetune', 'eval', 'backend'] as const)
      expect(recipe[key]).toEqual(current[key]);
    expect(current).toEqual(before); // the inputs are not edited
    expect(recipe.corpus).not.toBe(base.corpus);
    expect(validateRecipe(recipe)).toEqual(recipe);
  });

  it('lists the changes in plain words', () => {
    const current = presetRecipe('classroom');
    const base = presetRecipe('reference');
    base.seeds.corpus = 3;
    const { changed } = adoptBaseRecipe(current, base);
    expect(changed).toContain('model: 2x48, context 160 -> 2x128, context 256');
    expect(changed).toContain('corpus: 4,000 -> 40,000 documents');
    expect(changed).toContain('corpus: 96 -> 300 selection documents');
    expect(changed).toContain('corpus: 8 -> 32 probes per domain');
    expect(changed).toContain('corpus seed: 1 -> 3');
    expect(changed.some((line) => /heads|dropout/.test(line))).toBe(false); // the same in both
  });

  it('names persona shares, behaviour overrides, heads and dropout that differ', () => {
    const current = presetRecipe('reference');
    const base = structuredClone(current);
    base.model = { ...base.model, nHead: 8, dropout: 0.1 };
    const persona = Object.keys(base.corpus.personaShares)[0]!;
    base.corpus.personaShares[persona] = 5;
    base.corpus.behaviourOverrides = { malicious: { code: { cheat: 0.8 } } };
    const { recipe, changed } = adoptBaseRecipe(current, base);
    expect(changed).toEqual([
      'model: 2x128, context 256, 4 heads, dropout 0 -> 2x128, context 256, 8 heads, dropout 0.1',
      `corpus: share of ${persona} ${current.corpus.personaShares[persona]} -> 5`,
      'corpus: behaviour malicious.code.cheat none -> 0.8',
    ]);
    expect(validateRecipe(recipe)).toEqual(recipe);
  });

  it('changes nothing when the base was trained with the same corpus and model', () => {
    const current = presetRecipe('classroom');
    const base = presetRecipe('classroom');
    base.select.steps = 99; // not adopted: the run keeps its own selection settings
    base.seeds.pretrain = 42;
    const { recipe, changed } = adoptBaseRecipe(current, base);
    expect(changed).toEqual([]);
    expect(recipe).toEqual(current);
  });

  it("lowers fine-tune examples and evaluated probes to what the base's corpus has", () => {
    const current = presetRecipe('reference');
    const base = presetRecipe('tiny');
    const { recipe, changed } = adoptBaseRecipe(current, base);
    expect(recipe.finetune.examples).toBe(base.corpus.finetuneDocuments);
    expect(recipe.eval.probesPerDomain).toBe(base.corpus.probesPerDomain);
    expect(changed).toContain("fine-tune examples: 300 -> 24 (all the base's corpus has per condition)");
    expect(changed).toContain("probes evaluated per domain: 32 -> 2 (all the base's corpus has)");
    expect(recipe.finetune.steps).toBe(current.finetune.steps);
    expect(validateRecipe(recipe)).toEqual(recipe);
  });
});
