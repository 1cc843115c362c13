// The results of a run, built from its persisted state alone: provenance (recipe, corpus hash, backend,
// code version), each stage's losses, evaluations and samples, every fine-tune branch's trajectory as
// ΔMI against the selected checkpoint, and per condition the mean with a 95% interval over seeds.
// The JSON schema is resultsSchema.ts (documented in docs/results-schema.md); CSV is resultsCsv.
import { meanInterval, transferRatio, type EvalSummary } from '../eval/index.ts';
import type { ExperimentRecipe } from './recipe.ts';
import {
  baselineFor,
  type EvalPoint,
  type LossPoint,
  type RunState,
  type SampleRecord,
  type StageRecord,
} from './runState.ts';

export const RESULTS_SCHEMA_VERSION = 1;

export interface Interval {
  mean: number | null;
  low: number | null;
  high: number | null;
  n: number;
  /** At least two seeds and the 95% interval excludes zero. */
  excludesZero: boolean;
}

export interface StageResult {
  id: string;
  status: StageRecord['status'];
  steps: number;
  checkpoint: string | null;
  startedFrom: string | null;
  losses: LossPoint[];
  evaluations: EvalPoint[];
  samples: SampleRecord[];
}

export interface BranchPoint {
  step: number;
  checkpoint: string;
  /** Off-code ΔMI against the selected checkpoint, nats (and per character), and per domain. */
  deltaMI: number | null;
  deltaMIPerChar: number | null;
  deltaMIPerDomain: Record<string, number | null>;
  /** ΔMI on the code domain, and off-code ΔMI / code ΔMI. */
  deltaMICode: number | null;
  transferRatio: number | null;
  attainment: number | null;
  summary: EvalSummary;
}

export interface BranchResult extends StageResult {
  condition: string;
  seed: number;
  trajectory: BranchPoint[];
}

export interface ConditionResult {
  condition: string;
  seeds: number[];
  /** At each evaluated step, over seeds. */
  trajectory: { step: number; deltaMI: Interval; attainment: Interval }[];
  final: { deltaMI: Interval; deltaMICode: Interval; attainment: Interval; transferRatio: Interval };
}

export interface RunResults {
  schema: 'persona-lab-results';
  schemaVersion: number;
  runId: string;
  finished: boolean;
  provenance: { codeVersion: string; backend: string; corpusHash: string; recipe: ExperimentRecipe };
  pretrain: StageResult;
  select: StageResult;
  /** The selected checkpoint's evaluation: every ΔMI is measured against it. */
  baseline: EvalPoint | null;
  branches: BranchResult[];
  conditions: ConditionResult[];
}

const num = (v: number | null | undefined): number | null =>
  v !== null && v !== undefined && Number.isFinite(v) ? v : null;
const diff = (a: number | null, b: number | null): number | null =>
  a === null || b === null ? null : num(a - b);

export function toInterval(values: readonly (number | null)[]): Interval {
  const r = meanInterval(values.filter((v): v is number => v !== null));
  return { mean: num(r.mean), low: num(r.low), high: num(r.high), n: r.n, excludesZero: r.excludesZero };
}

function stageResult(s: StageRecord): StageResult {
  return {
    id: s.id,
    status: s.status,
    steps: s.steps,
    checkpoint: s.checkpoint,
    startedFrom: s.startedFrom,
    losses: s.losses,
    evaluations: s.evaluations,
    samples: s.samples,
  };
}

function branchPoint(point: EvalPoint, baseline: EvalPoint | null): BranchPoint {
  const s = point.summary;
  const base = baselineFor(point, baseline);
  const deltaMIPerDomain: Record<string, number | null> = {};
  for (const [domain, mi] of Object.entries(s.miPerDomain))
    deltaMIPerDomain[domain] = diff(mi, base?.miPerDomain[domain] ?? null);
  const deltaMI = diff(s.mi, base?.mi ?? null);
  const deltaMICode = diff(s.miCode, base?.miCode ?? null);
  return {
    step: point.step,
    checkpoint: point.checkpoint,
    deltaMI,
    deltaMIPerChar: diff(s.miPerChar, base?.miPerChar ?? null),
    deltaMIPerDomain,
    deltaMICode,
    transferRatio: deltaMI === null || deltaMICode === null ? null : transferRatio(deltaMI, deltaMICode),
    attainment: s.attainment,
    summary: s,
  };
}

export function buildResults(state: RunState): RunResults {
  const pretrain = state.stages.find((s) => s.kind === 'pretrain')!;
  const select = state.stages.find((s) => s.kind === 'select')!;
  const baseline = select.evaluations.at(-1) ?? null;
  const branches: BranchResult[] = state.stages
    .filter((s) => s.kind === 'finetune')
    .map((s) => {
      // Step 0 of every branch is the selected checkpoint itself (ΔMI 0 by definition).
      const points = baseline ? [{ ...baseline, step: 0 }, ...s.evaluations] : s.evaluations;
      return {
        ...stageResult(s),
        condition: s.condition!,
        seed: s.seed,
        trajectory: points.map((p) => branchPoint(p, baseline)),
      };
    });
  const conditions: ConditionResult[] = [];
  for (const condition of state.recipe.finetune.conditions) {
    const own = branches.filter((b) => b.condition === condition);
    if (own.length === 0) continue;
    const steps = [...new Set(own.flatMap((b) => b.trajectory.map((p) => p.step)))].sort((a, b) => a - b);
    const at = (b: BranchResult, step: number) => b.trajectory.find((p) => p.step === step);
    const done = own.filter((b) => b.status === 'done');
    const last = (b: BranchResult) => b.trajectory.at(-1);
    conditions.push({
      condition,
      seeds: own.map((b) => b.seed),
      trajectory: steps.map((step) => ({
        step,
        deltaMI: toInterval(own.map((b) => at(b, step)?.deltaMI ?? null)),
        attainment: toInterval(own.map((b) => at(b, step)?.attainment ?? null)),
      })),
      final: {
        deltaMI: toInterval(done.map((b) => last(b)?.deltaMI ?? null)),
        deltaMICode: toInterval(done.map((b) => last(b)?.deltaMICode ?? null)),
        attainment: toInterval(done.map((b) => last(b)?.attainment ?? null)),
        transferRatio: toInterval(done.map((b) => last(b)?.transferRatio ?? null)),
      },
    });
  }
  return {
    schema: 'persona-lab-results',
    schemaVersion: RESULTS_SCHEMA_VERSION,
    runId: state.runId,
    finished: state.finished,
    provenance: {
      codeVersion: state.codeVersion,
      backend: state.backend,
      corpusHash: state.corpusHash,
      recipe: state.recipe,
    },
    pretrain: stageResult(pretrain),
    select: stageResult(select),
    baseline,
    branches,
    conditions,
  };
}
