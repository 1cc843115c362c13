// The URL codec against hostile links: keys that try to reach Object.prototype are refused by name and
// leave it clean; links are short (aliases, relative to the named preset) and old long links still decode.
import { afterEach, describe, expect, it } from 'vitest';
import { PRESETS, presetRecipe } from '../../src/experiment/presets.ts';
import { defaultRecipe } from '../../src/experiment/recipe.ts';
import {
  decodeRecipeParams,
  encodeRecipeParams,
  longKey,
  shareQuery,
  shortKey,
} from '../../src/experiment/urlCodec.ts';
import { RecipeError, validateRecipe } from '../../src/experiment/validateRecipe.ts';

/** Own keys of Object.prototype that a plain object literal does not start with. */
function prototypeKeys(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).filter((k) => !BUILTIN.includes(k));
}
const BUILTIN = Object.getOwnPropertyNames(Object.prototype);

afterEach(() => {
  // A polluted prototype would make every later test meaningless: clean up and fail loudly.
  const extra = prototypeKeys();
  for (const key of extra) delete (Object.prototype as Record<string, unknown>)[key];
  expect(extra).toEqual([]);
});

function refusal(query: string, base = defaultRecipe()): RecipeError {
  try {
    decodeRecipeParams(new URLSearchParams(query), [], base);
  } catch (error) {
    expect(error).toBeInstanceOf(RecipeError);
    return error as RecipeError;
  }
  throw new Error(`accepted ${query}`);
}

describe('URL codec against prototype pollution', () => {
  it.each([
    'corpus.behaviourOverrides.__proto__.helpful.code=0.5',
    'corpus.behaviourOverrides.__proto__.polluted.p=0.5',
    'bo.__proto__.polluted.p=0.5',
    'corpus.behaviourOverrides.constructor.prototype.p=0.5',
    '__proto__.polluted=1',
    'constructor.prototype.polluted=1',
    'model.__proto__=1',
    'corpus.personaShares.toString=1',
  ])('%s is refused naming the field and leaves Object.prototype clean', (query) => {
    const error = refusal(query);
    const key = longKey(query.slice(0, query.indexOf('=')));
    expect(error.field).toBe(key);
    expect(error.message).toContain(key);
    expect(prototypeKeys()).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).helpful).toBeUndefined();
    // The defaults still validate afterwards (a polluted prototype broke them until a reload).
    expect(validateRecipe(defaultRecipe())).toEqual(defaultRecipe());
  });

  it('refuses keys outside the grammar, overlong keys and values, and repeated fields', () => {
    expect(refusal('model..nLayer=1').field).toBe('model..nLayer');
    expect(refusal('model.n-Layer=1').message).toMatch(/"n-Layer" is not a field name/);
    expect(refusal(`${'a.'.repeat(150)}b=1`).message).toMatch(/longer than 200 characters/);
    expect(refusal(`pt.lr=${'1'.repeat(3000)}`).message).toMatch(/longer than 2000 characters/);
    expect(refusal('pretrain.steps=3&pt.steps=4').message).toMatch(/pretrain\.steps is given twice/);
  });

  it('looks presets up as own keys only', () => {
    for (const name of ['constructor', 'toString', '__proto__'])
      expect(() => presetRecipe(name)).toThrow(`unknown preset ${JSON.stringify(name)}`);
  });

  it('says a link from a newer lab needs an update', () => {
    expect(refusal('v=3').message).toMatch(/newer lab.*update the lab/);
    expect(refusal('version=7').field).toBe('version');
  });

  it('names the out-of-range field', () => {
    expect(refusal('m.nLayer=4000').field).toBe('model.nLayer');
    expect(refusal('c.headerShare=2').field).toBe('corpus.headerShare');
    expect(refusal('bo.malicious.code.cheat=1.5').field).toBe(
      'corpus.behaviourOverrides.malicious.code.cheat',
    );
    expect(refusal('ps.malicious=-1').field).toBe('corpus.personaShares.malicious');
  });
});

describe('short share links', () => {
  it('aliases long dot-paths and expands them back', () => {
    expect(shortKey('finetune.steps')).toBe('ft.steps');
    expect(shortKey('corpus.behaviourOverrides.malicious.code.cheat')).toBe('bo.malicious.code.cheat');
    expect(shortKey('corpus.documents')).toBe('c.documents');
    expect(shortKey('backend')).toBe('backend');
    for (const path of ['finetune.steps', 'corpus.personaShares.helpful', 'seeds.finetune', 'backend'])
      expect(longKey(shortKey(path))).toBe(path);
  });

  it('a lab link relative to its lab carries nothing but the version', () => {
    for (const id of Object.keys(PRESETS)) {
      const recipe = presetRecipe(id);
      const params = encodeRecipeParams(recipe, recipe);
      expect([...params.keys()]).toEqual(['v']);
      expect(decodeRecipeParams(params, [], recipe)).toEqual(recipe);
    }
  });

  it('round-trips an edited preset in far fewer characters than the long form', () => {
    const base = presetRecipe('lab4-inoculation');
    const edited = structuredClone(base);
    edited.finetune.steps = 12;
    edited.seeds.finetune = [1, 2, 3];
    edited.corpus.behaviourOverrides = { malicious: { code: { cheat: 0.9 } } };
    const query = shareQuery(encodeRecipeParams(edited, base));
    expect(query).toBe('v=2&bo.malicious.code.cheat=0.9&ft.steps=12&seed.finetune=1,2,3');
    expect(decodeRecipeParams(new URLSearchParams(query), [], base)).toEqual(edited);
    const long = encodeRecipeParams(edited).toString().length;
    expect(query.length).toBeLessThan(long / 5);
  });

  it('old links (long keys relative to the defaults, `version=`) still decode to the same recipe', () => {
    // (A version=1 link also keeps version 1's corpus and probes: experiment-recipe.test.ts.)
    for (const id of Object.keys(PRESETS)) {
      const recipe = presetRecipe(id);
      // The old encoder: every field that differs from the defaults, under its full dot-path.
      const old = new URLSearchParams();
      old.set('version', '2');
      for (const [key, value] of encodeRecipeParams(recipe)) if (key !== 'v') old.set(longKey(key), value);
      expect(old.toString()).toMatch(/version=2/);
      expect(decodeRecipeParams(new URLSearchParams(old.toString()), [], presetRecipe(id))).toEqual(recipe);
      expect(decodeRecipeParams(new URLSearchParams(old.toString()))).toEqual(recipe);
    }
  });
});
