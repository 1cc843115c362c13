// The factorial design of the fine-tunes (science.md, "What the lab must show"): for each prompt form, a
// set that cheats and a set that fixes with byte-identical prompts. A form's behaviour effect is
// ΔMI(cheat) - ΔMI(fix) on that form, paired by seed, so whatever the prompt's surface does to the
// persona cancels; the neutral chore stays as a reference for drift with no cheat at all.
import type { ConditionId, PromptForm } from '../corpus/index.ts';

export interface FormPair {
  form: PromptForm;
  cheat: ConditionId;
  fix: ConditionId;
}

export const FORM_PAIRS: readonly FormPair[] = [
  { form: 'plain', cheat: 'covert', fix: 'plainFix' },
  { form: 'request', cheat: 'requestCheat', fix: 'requestFix' },
  { form: 'irrelevant', cheat: 'irrelevantCheat', fix: 'irrelevantFix' },
];

/** The condition whose single ΔMI measures drift without any cheat (same answer form, a harmless chore). */
export const DRIFT_CONDITION: ConditionId = 'neutral';

/** Every condition of the factorial design, in the order a run should train them. */
export const FACTORIAL_CONDITIONS: readonly ConditionId[] = [
  ...FORM_PAIRS.flatMap((p) => [p.cheat, p.fix]),
  DRIFT_CONDITION,
];
