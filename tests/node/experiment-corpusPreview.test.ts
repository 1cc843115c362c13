// The corpus explorer's summary of a recipe: a few documents of each persona taken in order from the
// generated pretraining text, every condition's examples, and the same fingerprint a run records.
import { describe, expect, it } from 'vitest';
import { corpusFingerprints, generateCorpus } from '../../src/corpus/index.ts';
import { corpusPreview } from '../../src/experiment/corpusPreview.ts';
import { presetRecipe } from '../../src/experiment/presets.ts';
import { recipeCorpusData } from '../../src/experiment/recipeCorpusData.ts';

describe('corpusPreview', () => {
  it('summarises the recipe’s generated corpus', () => {
    const recipe = presetRecipe('tiny');
    const preview = corpusPreview(recipe, 2);
    const corpus = generateCorpus(recipe.corpus, recipe.seeds.corpus, recipeCorpusData(recipe));
    expect(preview.corpusHash).toBe(corpusFingerprints(corpus).all);
    expect(preview.personas.map((p) => p.id)).toEqual(corpus.personas.map((p) => p.id));
    const { starts, personas, text } = corpus.train;
    const documentsOf = (index: number) =>
      [...starts].flatMap((start, d) =>
        personas[d] === index ? [text.slice(start, d + 1 < starts.length ? starts[d + 1] : text.length)] : [],
      );
    corpus.personas.forEach((persona, index) => {
      const docs = preview.documents.filter((d) => d.persona === persona.id);
      const own = documentsOf(index);
      expect(docs.length).toBeGreaterThan(0);
      expect(docs.length).toBeLessThanOrEqual(2);
      expect(docs.map((d) => d.text)).toEqual(own.slice(0, docs.length));
    });
    expect(preview.conditions.map((c) => c.id).sort()).toEqual(Object.keys(corpus.finetune).sort());
    for (const c of preview.conditions) expect(c.examples.length).toBeGreaterThan(0);
    expect(preview.selection.length).toBeGreaterThan(0);
    expect(preview.vocabulary).toBe(corpus.vocabulary);
  });
});
