// The public face of src/eval: pure persona metrics over scored probes, and `evaluate` that scores them.
export { logSumExp, personaPosterior } from './personaPosterior.ts';
export { candidateLabel, candidateOf, mean } from './probeScores.ts';
export type { ProbeKind, ProbeScore, ScoredCandidate } from './probeScores.ts';
export { deltaMI, misalignmentIndex, probeLogRatio, transferRatio } from './misalignmentIndex.ts';
export type { MisalignmentIndex, PersonaPair } from './misalignmentIndex.ts';
export { CHEAT_BEHAVIOURS, cheatByForm, domainPosteriors, narrowAttainment } from './domainPosteriors.ts';
export { calibration, inferenceGap } from './inferenceGap.ts';
export type { InferencePairGap } from './inferenceGap.ts';
export { meanInterval, tQuantile975 } from './meanInterval.ts';
export type { MeanInterval } from './meanInterval.ts';
export { bigramSimilarity, labelSample } from './sampleLabel.ts';
export type { LabelledText, SampleLabel } from './sampleLabel.ts';
export { evaluate } from './evaluate.ts';
export { liveSubset } from './liveSubset.ts';
export type { EvalProbe } from './evaluate.ts';
export { CODE_DOMAIN, summarize } from './evalSummary.ts';
export type { EvalSummary } from './evalSummary.ts';
export {
  answerSpan,
  assistantPrompts,
  auc,
  directionContexts,
  dot,
  dPrime,
  fitDirection,
  meanProjection,
  projectionShift,
  standardDeviation,
  steeringVector,
  unitDifference,
} from './personaDirection.ts';
export type {
  DirectionContext,
  DirectionLayer,
  DirectionPair,
  PersonaDirection,
} from './personaDirection.ts';
export { assistantProjection, assistantResiduals, measureDirection } from './measureDirection.ts';
