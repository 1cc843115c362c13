// The recipe validator, presets and the URL codec: round trips, and refusals that name the field.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RECIPE, defaultRecipe } from '../../src/experiment/recipe.ts';
import { PRESETS, presetRecipe } from '../../src/experiment/presets.ts';
import { RecipeError, validateRecipe } from '../../src/experiment/validateRecipe.ts';
import { decodeRecipeParams, encodeRecipeParams } from '../../src/experiment/urlCodec.ts';

function refusal(value: unknown): string {
  try {
    validateRecipe(value);
  } catch (error) {
    expect(error).toBeInstanceOf(RecipeError);
    return (error as RecipeError).field;
  }
  throw new Error('the recipe was accepted');
}

describe('validateRecipe', () => {
  it('accepts the defaults and every preset', () => {
    expect(validateRecipe(defaultRecipe())).toEqual(DEFAULT_RECIPE);
    for (const name of Object.keys(PRESETS)) expect(presetRecipe(name).version).toBe(2);
    expect(presetRecipe('reference').seeds.finetune).toHaveLength(5);
    expect(presetRecipe('reference').model).toMatchObject({
      nLayer: 2,
      nEmbd: 128,
      nHead: 4,
      blockSize: 256,
    });
  });
  it('names the bad field', () => {
    const r = () => defaultRecipe() as unknown as Record<string, Record<string, unknown>>;
    const bad = (edit: (x: Record<string, Record<string, unknown>>) => void) => {
      const x = r();
      edit(x);
      return refusal(x);
    };
    expect(bad((x) => (x.pretrain!.steps = -1))).toBe('pretrain.steps');
    expect(bad((x) => (x.pretrain!.stepz = 3))).toBe('pretrain.stepz');
    expect(bad((x) => (x.extra = {}))).toBe('extra');
    expect(bad((x) => delete x.eval!.every)).toBe('eval.every');
    expect(bad((x) => (x.finetune!.conditions = ['covert', 'bogus']))).toBe('finetune.conditions');
    expect(bad((x) => (x.model!.nHead = 3))).toBe('model.nEmbd');
    expect(bad((x) => (x.corpus!.headerShare = 2))).toBe('corpus.headerShare');
    expect(bad((x) => (x.corpus!.mystery = 2))).toBe('corpus.mystery');
    expect(bad((x) => (x.finetune!.examples = 10_000))).toBe('finetune.examples');
    expect(bad((x) => (x.eval!.maliciousPersona = 'nobody'))).toBe('eval.maliciousPersona');
    expect(bad((x) => ((x as Record<string, unknown>).backend = 'tpu'))).toBe('backend');
    expect(refusal(42)).toBe('');
  });
  it('validates eval.liveProbes, and reads a stored recipe from before it as scoring every probe', () => {
    const r = () => defaultRecipe() as unknown as Record<string, Record<string, unknown>>;
    for (const value of [-1, 2.5, '64']) {
      const x = r();
      x.eval!.liveProbes = value;
      expect(refusal(x)).toBe('eval.liveProbes');
    }
    const older = r();
    delete older.eval!.liveProbes;
    expect(validateRecipe(older).eval.liveProbes).toBe(0);
    expect(older.eval!.liveProbes).toBeUndefined(); // the stored object is left as it was
    delete older.eval!.every; // only fields added later are filled in
    expect(refusal(older)).toBe('eval.every');
  });
  it('migrates a version 1 recipe (a checkpoint or result of an earlier run) to the same meaning', () => {
    const v1 = JSON.parse(readFileSync('experiments/reference/results.json', 'utf8')).provenance.recipe;
    expect(v1.version).toBe(1);
    const r = validateRecipe(v1);
    expect(r.version).toBe(2);
    expect(r.corpus.behaviourOverrides).toEqual({
      helpful: { code: { obeyRequest: 0.02 } },
      malicious: { code: { obeyRequest: 0.4 } },
    });
    expect([r.eval.formTasks, r.eval.secondProbesPerDomain, r.eval.noContextPrior]).toEqual([0, 0, false]);
    expect(validateRecipe(r)).toEqual(r);
    // An override a version 1 recipe already had wins over the old file value.
    const own = structuredClone(v1);
    own.corpus.behaviourOverrides = { helpful: { code: { obeyRequest: 0.5 } } };
    expect(validateRecipe(own).corpus.behaviourOverrides.helpful).toEqual({ code: { obeyRequest: 0.5 } });
  });
  it('refuses an unknown preset', () => {
    expect(() => presetRecipe('huge')).toThrow(/unknown preset "huge"/);
  });
});

describe('URL codec', () => {
  it('carries only non-default fields and round-trips', () => {
    expect([...encodeRecipeParams(defaultRecipe()).keys()]).toEqual(['v']);
    for (const name of Object.keys(PRESETS)) {
      const recipe = presetRecipe(name);
      const params = encodeRecipeParams(recipe);
      expect(decodeRecipeParams(new URLSearchParams(params.toString()))).toEqual(recipe);
    }
    const r = defaultRecipe();
    r.pretrain.lr = 0.001;
    r.finetune.conditions = ['covert', 'inoculated'];
    r.eval.assistantHeader = false;
    r.corpus.behaviourOverrides = { malicious: { code: { cheat: 0.5 } } };
    const params = encodeRecipeParams(r);
    expect(params.get('pt.lr')).toBe('0.001');
    expect(params.get('ft.conditions')).toBe('covert,inoculated');
    expect(params.get('bo.malicious.code.cheat')).toBe('0.5');
    expect([...params.keys()]).toHaveLength(5);
    expect(decodeRecipeParams(params)).toEqual(r);
  });
  it('opens a version 1 link with version 1 meaning: its corpus conduct, no extra probes', () => {
    const r = decodeRecipeParams(new URLSearchParams('version=1&pretrain.lr=0.001'));
    expect(r.version).toBe(2);
    expect(r.pretrain.lr).toBe(0.001);
    expect(r.corpus.behaviourOverrides).toEqual({
      helpful: { code: { obeyRequest: 0.02 } },
      malicious: { code: { obeyRequest: 0.4 } },
    });
    expect([r.eval.formTasks, r.eval.secondProbesPerDomain, r.eval.noContextPrior]).toEqual([0, 0, false]);
  });
  it('reports unknown and ill-typed keys by name', () => {
    const field = (query: string) => {
      try {
        decodeRecipeParams(new URLSearchParams(query));
      } catch (error) {
        expect(error).toBeInstanceOf(RecipeError);
        return (error as RecipeError).message;
      }
      throw new Error('accepted');
    };
    expect(field('version=1&pretrain.stepz=3')).toMatch(/pretrain\.stepz is not a recipe field/);
    expect(field('version=1&pretrain.steps=abc')).toMatch(/pretrain\.steps must be a number/);
    expect(field('version=1&pretrain.steps=2.5')).toMatch(/pretrain\.steps must be an integer/);
    expect(field('version=1&eval.assistantHeader=yes')).toMatch(
      /eval\.assistantHeader must be true or false/,
    );
    expect(field('version=1&finetune.conditions=covert,nope')).toMatch(/finetune\.conditions/);
    expect(field('version=1&eval.liveProbes=-3')).toMatch(/eval\.liveProbes must be an integer/);
    expect(decodeRecipeParams(new URLSearchParams('version=1&eval.liveProbes=0')).eval.liveProbes).toBe(0);
    expect(field('version=9')).toMatch(/version/);
    expect(decodeRecipeParams(new URLSearchParams('version=2&lab=3'), ['lab'])).toEqual(defaultRecipe());
  });
});
