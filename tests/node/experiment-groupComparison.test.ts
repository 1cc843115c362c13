// Guided lab 5's group comparison: cards whose recipes differ only in the malicious AI's share (and in
// their seeds) are grouped by it; a base counts once however many cards it came on; per value the default
// MI and the plain behaviour effect are averaged over runs with a t interval. Cards that differ in
// another setting as well are left out naming it; cards of one recipe form no groups (a plain pool).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { poolCommand } from '../../src/cli/poolCommand.ts';
import { poolCards } from '../../src/experiment/classPool.ts';
import { compareGroups, type GroupComparison } from '../../src/experiment/groupComparison.ts';
import { cardFileText, readCard, resultCard } from '../../src/experiment/resultCard.ts';
import {
  GROUP_FIELD as FIELD,
  groupRecipe,
  groupResults as results,
  hex,
  classOfGroups,
} from './groupCards.ts';

const cards = classOfGroups();
const inputs = cards.map((c, i) => ({ source: `card ${i + 1}`, text: cardFileText(c) }));

describe('compareGroups', () => {
  it('groups by the one setting the cards differ in, a base once, over runs', () => {
    const comparison = compareGroups(inputs.map((i) => ({ source: i.source, checked: readCard(i.text) })))!;
    expect(comparison.field).toBe(FIELD);
    expect(comparison.left).toEqual([]);
    const [low, high] = comparison.groups;
    expect(low!.value).toBe(0.1);
    expect(low!.runs.map((r) => r.sources)).toEqual([['card 1', 'card 2'], ['card 3']]);
    // Base 1: effects 4 - (-1) = 5 and 6 - (-1) = 7, mean 6 over its two seeds; base 2: 2.
    const plain = (g: typeof low) => g!.effects.find((e) => e.form === 'plain')!.effect;
    expect(low!.runs[0]!.effects.find((e) => e.form === 'plain')!.effect.mean).toBeCloseTo(6, 12);
    expect(plain(low).mean).toBeCloseTo(4, 12);
    expect(plain(low).n).toBe(2);
    // Two runs: t(1) = 12.706, sd of (6, 2) = 2.828; half-width 12.706 x 2.828 / sqrt(2) = 25.41.
    expect(plain(low).high! - plain(low).mean!).toBeCloseTo((12.706 * Math.SQRT2 * 2) / Math.SQRT2, 2);
    expect(low!.defaultMI.mean).toBeCloseTo(-18, 12);
    expect(high!.value).toBe(0.6);
    expect(plain(high).mean).toBeCloseTo(10, 12);
    expect(high!.defaultMI.mean).toBeCloseTo(-9, 12);
  });

  it('leaves out a card that differs in another setting too, and forms no groups from one recipe', () => {
    const odd = groupRecipe(0.6, 5, [1]);
    odd.finetune.steps = 3;
    const oddCard = resultCard(results(odd, -9, { covert: { 1: 8 }, plainFix: { 1: 0 } }), hex('5'));
    const read = [...cards, oddCard].map((c, i) => ({
      source: `card ${i + 1}`,
      checked: readCard(cardFileText(c)),
    }));
    const comparison = compareGroups(read)!;
    expect(comparison.left).toEqual([
      { source: 'card 6', reason: `it differs in finetune.steps (the groups differ only in ${FIELD})` },
    ]);
    expect(comparison.groups.map((g) => g.runs.length)).toEqual([2, 2]);
    // The odd card first does not hide the groups: the next card becomes the reference.
    const oddFirst = compareGroups([read[5]!, ...read.slice(0, 5)])!;
    expect(oddFirst.field).toBe(FIELD);
    expect(oddFirst.left.map((l) => l.source)).toEqual(['card 6']);
    expect(oddFirst.groups.map((g) => g.runs.length)).toEqual([2, 2]);
    expect(compareGroups(read.slice(0, 2))).toBeNull();
  });

  it('reads version 1 cards, which carry no default MI', () => {
    const old = cards.map((c) => {
      const { defaultMI: _, ...rest } = c;
      return { ...rest, version: 1 };
    });
    const comparison = compareGroups(
      old.map((c, i) => ({ source: `old ${i}`, checked: readCard(JSON.stringify(c)) })),
    )!;
    expect(comparison.groups[0]!.defaultMI.n).toBe(0);
    expect(comparison.groups[0]!.effects.find((e) => e.form === 'plain')!.effect.mean).toBeCloseTo(4, 12);
  });
});

describe('poolCards with groups', () => {
  it('pools the first group and compares every group, saying why the others are not pooled', () => {
    const outcome = poolCards(inputs);
    expect(outcome.groups?.field).toBe(FIELD);
    expect(outcome.pool!.students.map((s) => s.source)).toEqual(['card 1', 'card 2']);
    expect(outcome.refused.map((r) => r.source)).toEqual(['card 3', 'card 4', 'card 5']);
    expect(outcome.refused[0]!.reason).toMatch(
      /^another group \(corpus\.personaShares\.malicious 0\.1, or another pretraining\)/,
    );
    expect(outcome.refused[2]!.reason).toMatch(/malicious 0\.6/);
  });

  it('keeps refusals in the order the cards came, unreadable ones included', () => {
    const outcome = poolCards([inputs[0]!, { source: 'junk', text: 'hello' }, inputs[3]!]);
    expect(outcome.refused.map((r) => r.source)).toEqual(['junk', 'card 4']);
    expect(outcome.groups!.groups.map((g) => [g.value, g.runs.length])).toEqual([
      [0.1, 1],
      [0.6, 1],
    ]);
  });
});

describe('pool on the command line', () => {
  it('writes the groups beside the pool', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'persona-lab-groups-'));
    mkdirSync(join(dir, 'cards'));
    inputs.forEach((input, i) => writeFileSync(join(dir, 'cards', `card-${i + 1}.json`), input.text));
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(await poolCommand([join(dir, 'cards')], join(dir, 'out'))).toBe(0);
    } finally {
      quiet.mockRestore();
    }
    const groups = JSON.parse(readFileSync(join(dir, 'out', 'groups.json'), 'utf8')) as GroupComparison;
    expect(groups.field).toBe(FIELD);
    expect(groups.groups.map((g) => [g.value, g.runs.length, g.defaultMI.mean])).toEqual([
      [0.1, 2, -18],
      [0.6, 2, -9],
    ]);
  });
});
