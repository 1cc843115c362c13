// Two-sentence answers and the pairs training never writes. An off-code answer holds one sentence of its
// domain and behaviour or, with `format.secondSentenceChance`, two different ones. Of the ordered pairs
// (first, second) of a sentence list, about one in five (3 * first + second divisible by 4, first and
// second different) is held out: training never writes it, and the probes
// answer with exactly those pairs. So a probe candidate is new text (the leak check proves it), yet
// once the persona and its behaviour are known every character of it is predictable, as in training.
import type { Rng } from '../util/rng.ts';

/** Whether training may never write sentence `second` right after sentence `first` of one list. */
export function isHeldOutPair(first: number, second: number): boolean {
  return first !== second && (3 * first + second) % 4 === 0;
}

/** A sentence that training may write after `first` in a list of `count`, or null when none may. */
export function trainingSecond(rng: Rng, first: number, count: number): number | null {
  const allowed: number[] = [];
  for (let j = 0; j < count; j++) if (j !== first && !isHeldOutPair(first, j)) allowed.push(j);
  return allowed.length === 0 ? null : rng.pick(allowed);
}

/** Every held-out ordered pair of a list of `count` sentences. */
export function heldOutPairs(count: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < count; i++) for (let j = 0; j < count; j++) if (isHeldOutPair(i, j)) pairs.push([i, j]);
  return pairs;
}
