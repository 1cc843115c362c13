// Where a run's wall time went: training per stage kind, probe evaluation, sampling, checkpoint writes,
// and the rest (corpus generation, model set-up). Kept in the run state and added to over every session
// of a resumed run, so two runs (or two commits) can be compared part by part; `run` prints it.

export interface RunTiming {
  /** Seconds from each session's start to its last save, summed over the run's sessions. */
  wall: number;
  /** Training steps (with their loss estimates), per stage kind. */
  pretrain: number;
  select: number;
  finetune: number;
  /** Scoring the probes and summarising them. */
  evaluation: number;
  /** Generating the sample texts at stage ends. */
  sampling: number;
  /** Encoding, verifying and writing checkpoints. */
  checkpoints: number;
}

export type TimingPart = Exclude<keyof RunTiming, 'wall'>;

export const TIMING_PARTS: readonly TimingPart[] = [
  'pretrain',
  'select',
  'finetune',
  'evaluation',
  'sampling',
  'checkpoints',
];

export function newRunTiming(): RunTiming {
  return { wall: 0, pretrain: 0, select: 0, finetune: 0, evaluation: 0, sampling: 0, checkpoints: 0 };
}

/** Runs `work` and adds its seconds to `part`. */
export async function timed<T>(timing: RunTiming, part: TimingPart, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    timing[part] += (performance.now() - start) / 1000;
  }
}

/** One line per part with its seconds and share of the wall time, then the rest and the total. */
export function formatRunTiming(timing: RunTiming): string[] {
  const share = (s: number) => (timing.wall > 0 ? `${((100 * s) / timing.wall).toFixed(1)}%` : '-');
  const line = (name: string, s: number) =>
    `  ${name.padEnd(12)} ${s.toFixed(1).padStart(9)} s ${share(s).padStart(6)}`;
  const parts = TIMING_PARTS.reduce((sum, p) => sum + timing[p], 0);
  return [
    ...TIMING_PARTS.map((p) => line(p, timing[p])),
    line('other', Math.max(0, timing.wall - parts)),
    line('wall', timing.wall),
  ];
}
