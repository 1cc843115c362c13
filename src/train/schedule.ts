// Learning-rate schedule: linear warm-up, then cosine decay to a floor (nanoGPT's get_lr).

export interface LrSchedule {
  lr: number;
  minLr: number;
  warmupSteps: number;
  /** Step at which the cosine reaches minLr; later steps stay at minLr. */
  decaySteps: number;
}

export function lrAt(step: number, s: LrSchedule): number {
  if (step < s.warmupSteps) return (s.lr * (step + 1)) / s.warmupSteps;
  if (step >= s.decaySteps) return s.minLr;
  const progress = (step - s.warmupSteps) / Math.max(1, s.decaySteps - s.warmupSteps);
  return s.minLr + 0.5 * (1 + Math.cos(Math.PI * progress)) * (s.lr - s.minLr);
}
