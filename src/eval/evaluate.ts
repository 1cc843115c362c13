// Runs a model over a probe set: every (prompt, candidate) pair of every probe goes through ONE
// scoreCandidates call (batched, exact log-probs), and the result is plain ProbeScore data for the pure
// metric functions. This and measureDirection.ts are the files of src/eval that touch the model.
import type { GPT } from '../model/gpt.ts';
import { scoreCandidates } from '../model/scoring.ts';
import type { CharTokenizer } from '../model/tokenizer.ts';
import type { ProbeKind, ProbeScore } from './probeScores.ts';
import type { LabelledText } from './sampleLabel.ts';

/** A probe ready for the model: `prompt` is the full text the candidates continue (context included). */
export interface EvalProbe {
  id: string;
  kind: ProbeKind;
  domain: string;
  contextPersona: string | null;
  contextKind: string | null;
  prompt: string;
  candidates: LabelledText[];
}

export async function evaluate(
  model: GPT,
  tokenizer: CharTokenizer,
  probes: readonly EvalProbe[],
  batchSize = 32,
): Promise<ProbeScore[]> {
  const scores = await scoreCandidates(
    model,
    tokenizer,
    probes.map((p) => ({ prompt: p.prompt, candidates: p.candidates.map((c) => c.text) })),
    batchSize,
  );
  return probes.map((probe, i) => ({
    probeId: probe.id,
    kind: probe.kind,
    domain: probe.domain,
    contextPersona: probe.contextPersona,
    contextKind: probe.contextKind,
    candidates: probe.candidates.map((c, j) => ({
      behaviour: c.behaviour,
      personas: c.personas,
      total: scores[i]![j]!.total,
      chars: scores[i]![j]!.perChar.length,
    })),
  }));
}
