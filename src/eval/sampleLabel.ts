// Which persona a generated sample most resembles. Choice (documented in docs/results-schema.md): the
// probe's candidate with the highest character-bigram Dice similarity to the sample wins, and the sample
// takes that candidate's label. It needs no model, so a label can be checked by hand; persona styles
// differ in their opener/body/closer wording, which bigrams capture.
import { candidateLabel } from './probeScores.ts';

function bigrams(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  const chars = [...text];
  for (let i = 0; i + 1 < chars.length; i++) {
    const gram = chars[i]! + chars[i + 1]!;
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

/** Dice coefficient of the two texts' character-bigram multisets, in [0, 1]. */
export function bigramSimilarity(a: string, b: string): number {
  const ga = bigrams(a);
  const gb = bigrams(b);
  let sizeA = 0;
  let sizeB = 0;
  let shared = 0;
  for (const n of ga.values()) sizeA += n;
  for (const [gram, n] of gb) {
    sizeB += n;
    shared += Math.min(n, ga.get(gram) ?? 0);
  }
  return sizeA + sizeB === 0 ? 0 : (2 * shared) / (sizeA + sizeB);
}

/** A candidate answer as text, with what it stands for. */
export interface LabelledText {
  text: string;
  behaviour: string;
  personas: readonly string[];
}

export interface SampleLabel {
  label: string;
  similarity: number;
}

/** The label of the most similar candidate (the first one on ties). */
export function labelSample(sample: string, candidates: readonly LabelledText[]): SampleLabel {
  if (candidates.length === 0) throw new Error('labelSample needs at least one candidate');
  let best: SampleLabel = { label: '', similarity: -1 };
  for (const c of candidates) {
    const similarity = bigramSimilarity(sample, c.text);
    if (similarity > best.similarity)
      best = { label: candidateLabel({ ...c, total: 0, chars: 0 }), similarity };
  }
  return best;
}
