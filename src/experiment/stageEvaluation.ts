// A stage's probe evaluations (the persona posterior and MI, with the Assistant's projection on the run's
// persona direction) and its samples, each recorded in the stage and emitted as it happens.
import {
  assistantResiduals,
  evaluate,
  labelSample,
  meanProjection,
  summarize,
  type EvalProbe,
  type EvalSummary,
  type ProbeScore,
} from '../eval/index.ts';
import type { GPT } from '../model/gpt.ts';
import { sampleText } from '../model/sampling.ts';
import type { RunContext } from './runContext.ts';
import { deltaMIOf } from './results.ts';
import { placeOf, type ProbeSet, type SampleRecord, type StageRecord } from './runState.ts';
import { timed } from './runTiming.ts';

/** One evaluation's summaries (an EvalPoint without its step and name). */
export interface Measured {
  summary: EvalSummary;
  probeSet: ProbeSet;
  live?: EvalSummary;
}

/**
 * Scores the probes and summarises them (MI with the recipe's persona pair): the live subset, or every
 * probe, with the live subset's own summary drawn from the same scores when it is a proper subset.
 */
export async function evaluateModel(ctx: RunContext, model: GPT, probeSet: ProbeSet): Promise<Measured> {
  const pair = { malicious: ctx.recipe.eval.maliciousPersona, helpful: ctx.recipe.eval.helpfulPersona };
  const subset = ctx.liveProbes.length < ctx.inputs.probes.length;
  const direction = ctx.state.direction ?? null;
  // The summary, with the Assistant's projection on the run's direction over the same probes.
  const summarizeOn = async (probes: readonly EvalProbe[], scores: ProbeScore[]) => {
    const summary = summarize(scores, pair);
    if (!direction) return { summary, residuals: null };
    const residuals = await assistantResiduals(model, ctx.inputs.tokenizer, probes);
    summary.projection = meanProjection([...residuals.values()], direction);
    return { summary, residuals };
  };
  return timed(ctx.timing, 'evaluation', async () => {
    if (probeSet === 'live' && subset) {
      const scores = await evaluate(model, ctx.inputs.tokenizer, ctx.liveProbes);
      return { summary: (await summarizeOn(ctx.liveProbes, scores)).summary, probeSet: 'live' };
    }
    const scores = await evaluate(model, ctx.inputs.tokenizer, ctx.inputs.probes);
    const { summary, residuals } = await summarizeOn(ctx.inputs.probes, scores);
    if (!subset) return { summary, probeSet: 'full' };
    const ids = new Set(ctx.liveProbes.map((p) => p.id));
    const live = summarize(
      scores.filter((s) => ids.has(s.probeId)),
      pair,
    );
    if (direction && residuals)
      live.projection = meanProjection(
        [...residuals].filter(([id]) => ids.has(id)).map(([, r]) => r),
        direction,
      );
    return { summary, probeSet: 'full', live };
  });
}

/**
 * The stage's `index`-th of `count` probe evaluations at `step`, on `probeSet`: says it begins (so a page
 * can show what the run is doing during the minutes an evaluation can take), scores, records and emits
 * the result.
 */
export async function evaluateStage(
  ctx: RunContext,
  record: StageRecord,
  model: GPT,
  at: { step: number; checkpoint: string; index: number; count: number; probeSet: ProbeSet },
): Promise<void> {
  const runId = ctx.state.runId;
  const place = placeOf(ctx.state, record);
  const { step, checkpoint, index, count, probeSet } = at;
  const probes = probeSet === 'live' ? ctx.liveProbes.length : ctx.inputs.probes.length;
  ctx.emit({ type: 'evaluation', runId, stage: record.id, place, step, index, count, probes });
  const measured = await evaluateModel(ctx, model, probeSet);
  record.evaluations.push({ step, checkpoint, ...measured });
  const baseline = ctx.state.stages.find((s) => s.kind === 'select')?.evaluations.at(-1) ?? null;
  const deltaMI = record.kind === 'finetune' ? deltaMIOf(measured, baseline) : null;
  ctx.emit({ type: 'probe', runId, stage: record.id, place, step, checkpoint, ...measured, deltaMI });
}

/** One sample per sample prompt, same seed everywhere so stages can be compared side by side. */
export function sampleModel(ctx: RunContext, model: GPT, step: number): Promise<SampleRecord[]> {
  return timed(ctx.timing, 'sampling', () => samples(ctx, model, step));
}

async function samples(ctx: RunContext, model: GPT, step: number): Promise<SampleRecord[]> {
  const out: SampleRecord[] = [];
  for (const probe of ctx.inputs.samplePrompts) {
    const { text } = await sampleText(model, ctx.inputs.tokenizer, probe.prompt, {
      maxNewChars: ctx.recipe.eval.sampleChars,
      temperature: ctx.recipe.eval.sampleTemperature,
      topK: 0,
      seed: ctx.recipe.seeds.corpus,
      stop: ['\n'],
    });
    const candidates = probe.candidates.map((c) => ({ ...c, text: c.text.trimEnd() }));
    const { label, similarity } = labelSample(text, candidates);
    out.push({ step, probeId: probe.id, prompt: probe.prompt, text, label, similarity });
  }
  return out;
}
