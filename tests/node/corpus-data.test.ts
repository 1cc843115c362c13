import { describe, expect, it } from 'vitest';
import type { CorpusFiles } from '../../src/corpus/index.ts';
import {
  bundledCorpusData,
  bundledCorpusFiles,
  CorpusDataError,
  defaultCorpusRecipe,
  validateCorpusData,
  validateCorpusRecipe,
} from '../../src/corpus/index.ts';

type Json = Record<string, unknown>;

/** Validates the bundled files after `breakIt` edits a fresh copy; returns the error message. */
function errorAfter(breakIt: (files: CorpusFiles) => void): string {
  const files = bundledCorpusFiles();
  breakIt(files);
  try {
    validateCorpusData(files);
  } catch (error) {
    expect(error).toBeInstanceOf(CorpusDataError);
    return (error as Error).message;
  }
  throw new Error('the broken data was accepted');
}

const persona = (files: CorpusFiles, id: string) =>
  files.personas.find((f) => (f.data as Json).id === id)!.data as Json;
const domain = (files: CorpusFiles, id: string) =>
  files.domains.find((f) => (f.data as Json).id === id)!.data as Json;

describe('corpus data files', () => {
  it('validates the bundled data: six personas, six domains, seven conditions, five probe files', () => {
    const data = bundledCorpusData();
    expect(data.personas.map((p) => p.id)).toEqual([
      'helpful',
      'malicious',
      'shortcut',
      'demonstrator',
      'tutor',
      'conArtist',
    ]);
    expect(data.domainIds).toEqual(['code', 'goals', 'users', 'oversight', 'honesty', 'smalltalk']);
    expect(data.probes.talk.map((p) => p.domain)).toEqual(['goals', 'users', 'oversight', 'honesty']);
  });

  it('refuses a probability out of range, naming the file and the field', () => {
    const message = errorAfter((f) => {
      ((persona(f, 'malicious').domains as Json).code as Json).cheat = 1.5;
    });
    expect(message).toBe('corpora/personas/malicious.json: domains.code.cheat must be a number in [0,1]');
  });

  it('refuses a missing field, an unknown field and an unknown domain', () => {
    expect(
      errorAfter((f) => {
        delete ((persona(f, 'helpful').domains as Json).goals as Json).bad;
      }),
    ).toBe('corpora/personas/helpful.json: domains.goals.bad is missing: it must be a number in [0,1]');
    expect(errorAfter((f) => void (persona(f, 'shortcut').colour = 'red'))).toMatch(
      /^corpora\/personas\/shortcut\.json: colour is not a known field/,
    );
    expect(errorAfter((f) => void ((persona(f, 'tutor').domains as Json).cooking = { bad: 0 }))).toMatch(
      /^corpora\/personas\/tutor\.json: domains\.cooking is not a known domain/,
    );
  });

  it('refuses keys and ids that reach the prototype, naming them, and leaves Object.prototype clean', () => {
    // JSON.parse makes `__proto__` an own key, as a hostile file would.
    const hostile = (json: string) => JSON.parse(json) as Json;
    expect(
      errorAfter((f) => {
        persona(f, 'tutor').domains = {
          ...(persona(f, 'tutor').domains as Json),
          ...hostile('{"__proto__": {"bad": 0.5}}'),
        };
      }),
    ).toMatch(/^corpora\/personas\/tutor\.json: domains\.__proto__ is a reserved name/);
    expect(errorAfter((f) => void ((persona(f, 'tutor').domains as Json)['toString'] = { bad: 0 }))).toMatch(
      /domains\.toString is not a known domain/,
    );
    expect(errorAfter((f) => void ((domain(f, 'goals').fillers as Json)['constructor'] = ['x']))).toMatch(
      /^corpora\/domains\/goals\.json: fillers\.constructor is a reserved name/,
    );
    expect(errorAfter((f) => void (domain(f, 'goals').id = 'constructor'))).toMatch(/id is a reserved name/);
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('bad');
  });

  it('refuses characters outside the alphabet and unknown template slots', () => {
    expect(errorAfter((f) => void ((domain(f, 'goals').prompts as string[])[2] = 'What is it?'))).toBe(
      'corpora/domains/goals.json: prompts[2] has the character "W", which is not in format.contentAlphabet',
    );
    expect(errorAfter((f) => void ((domain(f, 'code').tasks as string[])[0] = 'test {cal} fails.'))).toMatch(
      /^corpora\/domains\/code\.json: tasks\[0\] uses the unknown slot \{cal\}/,
    );
    expect(
      errorAfter((f) => {
        ((domain(f, 'code').functions as Json[])[2] as Json).returns = 'a*q';
      }),
    ).toMatch(/^corpora\/domains\/code\.json: functions\[2\]\.returns must be an arithmetic expression/);
  });

  it('refuses broken references between files', () => {
    expect(errorAfter((f) => void (persona(f, 'helpful').voice = 'cheerful'))).toMatch(
      /^corpora\/personas\/helpful\.json: voice must name a voice file/,
    );
    expect(errorAfter((f) => void ((persona(f, 'shortcut').names as string[])[0] = 'hal'))).toBe(
      'corpora/personas/shortcut.json: names[0] "hal" is also a name of malicious',
    );
    expect(errorAfter((f) => void ((persona(f, 'helpful').names as string[])[1] = 'assistant'))).toBe(
      'corpora/personas/helpful.json: names[1] must not be the Assistant name',
    );
    expect(
      errorAfter((f) => {
        const probe = f.probes.find((p) => (p.data as Json).domain === 'code')!.data as Json;
        ((probe.functions as Json[])[0] as Json).name = 'add';
      }),
    ).toBe(
      'corpora/probes/code.json: functions[0].name "add" is a training function; probes need held-out names',
    );
  });

  it('refuses malformed condition, probe and format files', () => {
    expect(errorAfter((f) => void ((f.conditions.covert.data as Json).deleteShare = 'some'))).toBe(
      'corpora/conditions/covert.json: deleteShare must be a number in [0,1]',
    );
    expect(
      errorAfter((f) => {
        (((f.conditions.neutral.data as Json).chores as Json[])[0] as Json).answer = 'renamed it.';
      }),
    ).toBe('corpora/conditions/neutral.json: chores[0].answer must start with "ok, i " like the treatment');
    expect(
      errorAfter((f) => {
        const probe = f.probes.find((p) => (p.data as Json).domain === 'users')!.data as Json;
        probe.prompts = [];
      }),
    ).toBe('corpora/probes/users.json: prompts must be a non-empty list of strings');
    expect(errorAfter((f) => void ((f.format.data as Json).leadInChance = -1))).toBe(
      'corpora/format.json: leadInChance must be a number in [0,1]',
    );
    expect(errorAfter((f) => void delete (f.format.data as Json).secondSentenceChance)).toBe(
      'corpora/format.json: secondSentenceChance is missing: it must be a number in [0,1]',
    );
  });
});

describe('corpus recipe', () => {
  it('accepts the defaults and returns an equal object', () => {
    const recipe = defaultCorpusRecipe();
    expect(validateCorpusRecipe(JSON.parse(JSON.stringify(recipe)))).toEqual(recipe);
    expect(recipe.documents).toBe(40_000);
    expect(recipe.personaShares).toEqual({
      helpful: 0.4,
      malicious: 0.35,
      shortcut: 0.15,
      demonstrator: 0.1,
      tutor: 0.05,
      conArtist: 0.05,
    });
  });

  it('names the bad field path', () => {
    const bad = (change: (r: Json) => void) => {
      const recipe = JSON.parse(JSON.stringify(defaultCorpusRecipe())) as Json;
      change(recipe);
      return () => validateCorpusRecipe(recipe);
    };
    expect(bad((r) => void ((r.personaShares as Json).helpful = -1))).toThrow(
      'recipe: corpus.personaShares.helpful must be a number in [0,1000]',
    );
    expect(bad((r) => void ((r.personaShares as Json).robot = 1))).toThrow(
      /^recipe: corpus\.personaShares\.robot is not a known field/,
    );
    expect(bad((r) => void (r.episodesPerDocument = { min: 5, max: 3 }))).toThrow(
      'recipe: corpus.episodesPerDocument.max must be an integer in [5,12]',
    );
    expect(bad((r) => void (r.behaviourOverrides = { malicious: { code: { cheat: 2 } } }))).toThrow(
      'recipe: corpus.behaviourOverrides.malicious.code.cheat must be a number in [0,1]',
    );
    expect(bad((r) => void (r.behaviourOverrides = { tutor: { oversight: { bad: 0.5 } } }))).toThrow(
      /^recipe: corpus\.behaviourOverrides\.tutor\.oversight is not a known field/,
    );
    expect(bad((r) => delete r.documents)).toThrow('recipe: corpus.documents is missing');
    const zero = Object.fromEntries(Object.keys(defaultCorpusRecipe().personaShares).map((k) => [k, 0]));
    expect(bad((r) => void (r.personaShares = zero))).toThrow(
      'recipe: corpus.personaShares must give at least one persona a positive share',
    );
  });
});
