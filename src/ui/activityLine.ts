// What a run is doing right now, in words, from the structured fields of its events (stage kind, the
// branch's condition and seed, its place in the run's order, the step, which evaluation of how many).
// Pure: the widget <pl-run-activity> shows it; tests read it directly.
import { count } from './numberFormat.ts';
import { conditionTitle } from './conditionInfo.ts';
import type { LabState, RunActivity } from './labState.ts';

/** The stage in words: `Fine-tune 1 of 6: covert cheat, seed 1`, `Pretraining`, `Selection`. */
export function stageWords(activity: RunActivity): string {
  const p = activity.place;
  if (p.kind === 'pretrain') return 'Pretraining';
  if (p.kind === 'select') return 'Selecting the Assistant';
  const title = p.condition === null ? 'fine-tune' : conditionTitle(p.condition);
  return `Fine-tune ${p.branch} of ${p.branches}: ${title}, seed ${p.seed}`;
}

/** One line saying what the run does now, or null when no run is going. */
export function activityLine(state: Pick<LabState, 'status' | 'activity'>): string | null {
  const { status, activity } = state;
  if (status === 'idle') return null;
  if (!activity) {
    return status === 'starting' || status === 'running'
      ? 'Starting: generating the corpus and preparing the model…'
      : null;
  }
  const where = stageWords(activity);
  const paused = status === 'paused' ? ' (paused)' : '';
  if (activity.doing === 'evaluating' && activity.evaluation) {
    const e = activity.evaluation;
    const what =
      activity.place.kind === 'select' && activity.step === 0
        ? 'scoring the base on the probes (the baseline every ΔMI is measured against)'
        : `scoring the probes at step ${count(activity.step)}`;
    return `${where}: ${what}, evaluation ${e.index} of ${e.count} (${count(e.probes)} probes)…${paused}`;
  }
  return `${where}: step ${count(activity.step)} of ${count(activity.steps)}${paused}`;
}
