// Requests that exercise every case of the fast scorer's packing (shared prompts, windows that drop
// prompt characters at different starts, a candidate as long as the context, a prompt whose candidates
// need two rows), for a tiny model; shared by the Node and browser parity tests.
import type { CandidateScore, ScoreRequest } from '../../src/model/scoring.ts';
import { CharTokenizer } from '../../src/model/tokenizer.ts';

export const SCORING_TOLERANCE = 1e-4;
export const scoringTokenizer = new CharTokenizer([' ', '.', 'a', 'b', 'c', 'd', 'e']);
export const scoringConfig = {
  vocabSize: scoringTokenizer.size,
  nLayer: 2,
  nHead: 2,
  nEmbd: 16,
  blockSize: 12,
  dropout: 0,
};

export const scoringRequests: ScoreRequest[] = [
  { prompt: 'ab', candidates: ['cd.', 'e', 'abcde'] },
  { prompt: 'abcde abcd e', candidates: ['e a', 'ddd', 'a'] }, // every window drops prompt characters
  { prompt: 'c', candidates: ['abcdeabcde..'] }, // a candidate as long as the context
  { prompt: 'a. b. c. d.', candidates: ['a', 'bb', 'ccc', 'dddd', 'eeeee', 'a.b.c.'] }, // six window starts
  { prompt: 'e', candidates: ['a', 'b', 'c', 'd', 'e', '.', ' ', 'ab', 'ba', 'abc'] }, // one start, two rows
];

/** The largest difference, per character or per candidate total, between two scorings of the same requests. */
export function largestDifference(a: CandidateScore[][], b: CandidateScore[][]): number {
  let worst = 0;
  a.forEach((candidates, r) =>
    candidates.forEach((x, c) => {
      const y = b[r]![c]!;
      if (x.perChar.length !== y.perChar.length) worst = Infinity;
      x.perChar.forEach((v, t) => (worst = Math.max(worst, Math.abs(v - y.perChar[t]!))));
      worst = Math.max(worst, Math.abs(x.total - y.total));
    }),
  );
  return worst;
}
