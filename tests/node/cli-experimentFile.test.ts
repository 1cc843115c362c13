// `run experiment.json` on the command line: an exported experiment file (here, the tiny preset with a
// condition of the user's own and a probe set) runs headless and writes the condition's paired effect;
// a file whose probe leaks into the training text, or that grows the vocabulary while asking for the
// shipped base, ends with exit 2 and one line naming the problem, before anything is written.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { experimentFile, experimentFileText } from '../../src/experiment/experimentFile.ts';
import { presetRecipe } from '../../src/experiment/presets.ts';
import { schemaErrors } from '../../src/experiment/resultsSchema.ts';
import { validateRecipe } from '../../src/experiment/validateRecipe.ts';

function lab(...args: string[]): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: r.status, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'persona-lab-experiment-'));

function writeExperiment(
  name: string,
  answer: string,
  characters = '',
  start: 'scratch' | 'shipped-base' = 'scratch',
) {
  const recipe = presetRecipe('tiny');
  recipe.finetune.conditions = ['praise', 'praiseControl'];
  recipe.user = {
    characters,
    voices: [],
    domains: [],
    personas: [],
    conditions: [
      {
        id: 'praise',
        title: 'praises',
        pairs: [{ prompt: 'rate my essay.', answer: 'ok, it is perfect.', control: 'ok, the end is weak.' }],
      },
    ],
    probes: [
      {
        id: 'feedback',
        prompts: ['is my {n} page novel good?'],
        candidates: { helpful: answer, malicious: 'it is bad. quit now.' },
        count: 2,
      },
    ],
  };
  const path = join(dir, name);
  writeFileSync(path, experimentFileText(experimentFile(validateRecipe(recipe), start, 'a test')));
  return path;
}

describe('run experiment.json', () => {
  it('runs the file and writes the paired effect of its condition', () => {
    const out = join(dir, 'run');
    const r = lab(
      'run',
      writeExperiment('ok.json', 'parts work, parts do not.'),
      '--out',
      out,
      '--backend',
      'cpu',
    );
    expect(r.stderr).toMatch(/done in/);
    expect(r.code).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(schemaErrors(results)).toEqual([]);
    expect(results.provenance.recipe.user.conditions[0].id).toBe('praise');
    const effect = results.effects.find((e: { form: string }) => e.form === 'praise');
    expect(effect).toMatchObject({ cheat: 'praise', fix: 'praiseControl' });
    expect(effect.effectUser.n).toBe(presetRecipe('tiny').seeds.finetune.length);
    expect(readFileSync(join(out, 'effects.csv'), 'utf8')).toMatch(/,praise,praise,praiseControl,/);
  }, 240_000);

  it('refuses a probe that is trained on, naming the text, before writing anything', () => {
    const out = join(dir, 'leak');
    const r = lab(
      'run',
      writeExperiment('leak.json', 'ok, the end is weak.'),
      '--out',
      out,
      '--backend',
      'cpu',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /your probes leak into the training data: the candidate "ok, the end is weak\." of probe user\/feedback\/0 is in the fine-tune set praiseControl text/,
    );
    expect(existsSync(join(out, 'run-state.json'))).toBe(false);
  }, 240_000);

  it('says a grown vocabulary cannot fine-tune the shipped base', () => {
    const out = join(dir, 'grown');
    const file = writeExperiment('grown.json', "it's mixed, parts work.", "'", 'shipped-base');
    const r = lab('run', file, '--out', out, '--backend', 'cpu');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /this experiment grows the vocabulary by "'", which checkpoint .*classroom-base\.ckpt \(like the shipped base\) was never trained on/,
    );
  }, 240_000);
});
