// Result cards and the class pool on the tiny preset (cpu backend): three students fine-tune the same
// selected base with seeds 1, 2 and 3; their pooled numbers equal those of one run of seeds 1, 2, 3. Cards
// are hostile input: every kind of damage is refused naming the field, duplicates are ignored.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { poolCards, type CardInput } from '../../src/experiment/classPool.ts';
import { corpusInputs } from '../../src/experiment/corpusInputs.ts';
import { poolCsv } from '../../src/experiment/poolCsv.ts';
import { presetRecipe } from '../../src/experiment/presets.ts';
import type { ExperimentRecipe } from '../../src/experiment/recipe.ts';
import type { RunResults } from '../../src/experiment/results.ts';
import {
  CARD_CODE_PREFIX,
  cardCode,
  cardFileText,
  readCard,
  resultCard,
  type ResultCard,
} from '../../src/experiment/resultCard.ts';
import { runExperiment } from '../../src/experiment/runner.ts';
import { MemoryRunStore } from '../../src/experiment/runStore.ts';
import { encodeRecipeParams } from '../../src/experiment/urlCodec.ts';
import { decodeCheckpoint } from '../../src/train/checkpoint.ts';
import { weightsFingerprint } from '../../src/train/weightsFingerprint.ts';

const recipe = presetRecipe('tiny');
const inputs = corpusInputs(recipe);

/** A fine-tune of `seeds` from the selected checkpoint `select`; its results and its base fingerprint. */
async function fineTune(select: Uint8Array, seeds: number[]): Promise<{ results: RunResults; base: string }> {
  const r: ExperimentRecipe = structuredClone(recipe);
  r.seeds.finetune = seeds;
  const store = new MemoryRunStore();
  const results = await runExperiment(r, {
    store,
    backend: 'cpu',
    runId: `student-${seeds.join('-')}`,
    inputs,
    startFrom: { stage: 'finetune', name: 'class-base.ckpt', bytes: select },
  });
  const used = await decodeCheckpoint((await store.loadCheckpoint('select'))!);
  return { results, base: await weightsFingerprint(used) };
}

let students: { results: RunResults; base: string }[];
let together: { results: RunResults; base: string };
let cards: ResultCard[];

beforeAll(async () => {
  await tf.setBackend('cpu');
  const store = new MemoryRunStore();
  const upToSelect = structuredClone(recipe);
  upToSelect.finetune.steps = 0;
  await runExperiment(upToSelect, { store, backend: 'cpu', inputs });
  const select = (await store.loadCheckpoint('select'))!;
  students = [];
  for (const seed of [1, 2, 3]) students.push(await fineTune(select, [seed]));
  together = await fineTune(select, [1, 2, 3]);
  cards = students.map((s) => resultCard(s.results, s.base));
}, 120_000);

const inputsOf = (list: ResultCard[]): CardInput[] =>
  list.map((card, i) => ({ source: `student ${i + 1}`, text: cardCode(card) }));

describe('result cards', () => {
  it('carry the base fingerprint of the weights, the same for every student of one base', async () => {
    expect(students[0]!.base).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set([...students, together].map((s) => s.base)).size).toBe(1);
    // Another model has another fingerprint.
    const other = await decodeCheckpoint(
      (await (async () => {
        const s = new MemoryRunStore();
        const r = structuredClone(recipe);
        r.finetune.steps = 0;
        r.seeds.pretrain = 99;
        await runExperiment(r, { store: s, backend: 'cpu', inputs });
        return s.loadCheckpoint('select');
      })())!,
    );
    expect(await weightsFingerprint(other)).not.toBe(students[0]!.base);
  });

  it('go through a file and a text code unchanged, in a few KB', () => {
    const card = cards[0]!;
    const code = cardCode(card);
    expect(code.startsWith(CARD_CODE_PREFIX)).toBe(true);
    expect(code).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(code.length).toBeLessThan(4096);
    expect(readCard(code).card).toEqual(card);
    expect(readCard(cardFileText(card)).card).toEqual(card);
    expect(readCard(code).recipe.seeds.finetune).toEqual([1]);
    expect(card.branches.map((b) => [b.condition, b.seed])).toEqual([
      ['covert', 1],
      ['honest', 1],
    ]);
  });

  it('refuse a run with no finished branch', () => {
    const unfinished = structuredClone(students[0]!.results);
    for (const b of unfinished.branches) b.status = 'partial';
    expect(() => resultCard(unfinished, students[0]!.base)).toThrow(/no finished fine-tune branch/);
  });
});

describe('poolCards', () => {
  it('pools three students to the numbers of the same seeds run in one process', () => {
    const { pool, refused, ignored } = poolCards(inputsOf(cards));
    expect(refused).toEqual([]);
    expect(ignored).toEqual([]);
    expect(pool!.recipe.seeds.finetune).toEqual([1, 2, 3]);
    expect(pool!.conditions).toEqual(together.results.conditions);
    expect(pool!.effects).toEqual(together.results.effects);
    expect(pool!.conditions[0]!.final.deltaMI.n).toBe(3);
    // Each student's point is its own branch's last ΔMI.
    expect(pool!.students.map((s) => s.finals.map((f) => f.deltaMI))).toEqual(
      students.map((s) => s.results.branches.map((b) => b.trajectory.at(-1)!.deltaMI)),
    );
    const csv = poolCsv(pool!).trim().split('\n');
    expect(csv[0]).toMatch(/^base,corpusHash,row,student,condition,seed,step,deltaMI/);
    expect(csv.filter((l) => l.split(',')[2] === 'condition')).toHaveLength(2);
  });

  it('ignores duplicates: the same card twice, a seed already pooled', () => {
    const { pool, ignored } = poolCards([...inputsOf(cards), { source: 'again', text: cardCode(cards[1]!) }]);
    expect(ignored).toEqual([
      {
        source: 'again',
        reason: expect.stringMatching(/^a duplicate: covert seed 2 \(already from student 2\)/),
      },
    ]);
    expect(pool!.conditions).toEqual(together.results.conditions);
  });

  it('refuses cards of another base or recipe, naming the field', () => {
    const otherBase = { ...cards[1]!, base: 'f'.repeat(64) };
    const r = structuredClone(readCard(cardCode(cards[2]!)).recipe);
    r.finetune.lr = 0.01;
    const otherRecipe = { ...cards[2]!, recipe: encodeRecipeParams(r).toString() };
    const { pool, refused } = poolCards(inputsOf([cards[0]!, otherBase, otherRecipe]));
    expect(refused.map((x) => x.reason)).toEqual([
      expect.stringMatching(/^another base \(fingerprint ffffffffffff…/),
      expect.stringMatching(/^another recipe: finetune\.lr: 0\.0003 in the class, 0\.01 on this card/),
    ]);
    expect(pool!.students).toHaveLength(1);
  });

  it('refuses hostile or damaged cards, naming what is wrong, and pools the rest', () => {
    const json = JSON.parse(cardFileText(cards[0]!)) as Record<string, unknown>;
    const hostile: [string, string, RegExp][] = [
      [
        'proto',
        cardFileText(cards[0]!).replace('{', '{"__proto__":{"x":1},'),
        /__proto__: is a reserved name/,
      ],
      [
        'infinity',
        JSON.stringify(json).replace(/"curve":\[\[0,0/, '"curve":[[0,1e999'),
        /must be a finite number/,
      ],
      ['unknown field', JSON.stringify({ ...json, extra: 1 }), /field extra: is not a results field/],
      ['newer', JSON.stringify({ ...json, version: 9 }), /written by a newer lab/],
      ['recipe key', JSON.stringify({ ...json, recipe: 'v=2&__proto__.x=1' }), /field recipe: .*__proto__/],
      ['bad value', JSON.stringify({ ...json, recipe: 'v=2&m.nLayer=4000' }), /field recipe: model\.nLayer/],
      [
        'foreign seed',
        JSON.stringify(json).replace('"seed":1', '"seed":7'),
        /seed: 7 is not a fine-tune seed/,
      ],
      ['damaged code', `${cardCode(cards[0]!).slice(0, 40)}!`, /the code is damaged/],
      ['cut code', cardCode(cards[0]!).slice(0, 60), /damaged|not valid JSON/],
      ['not a card', 'hello', /neither a card file nor a code/],
      ['huge', `{"a":"${'x'.repeat(200_000)}"}`, /at most 100000/],
      ['other kind', '{"kind":"persona-lab-results"}', /not a Persona Lab result card/],
    ];
    const { pool, refused } = poolCards([
      ...hostile.map(([source, text]) => ({ source, text })),
      ...inputsOf(cards),
    ]);
    expect(refused.map((r) => r.source)).toEqual(hostile.map(([s]) => s));
    hostile.forEach(([, , pattern], i) => expect(refused[i]!.reason).toMatch(pattern));
    expect(Object.prototype).not.toHaveProperty('x');
    expect(pool!.conditions).toEqual(together.results.conditions);
  });

  it('returns no pool when no card is readable', () => {
    expect(poolCards([{ source: 'a', text: 'nope' }]).pool).toBeNull();
  });
});
