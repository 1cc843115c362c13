// The gates and an evaluation as plain text lines, for `persona-lab gates` and `persona-lab eval`.
import type { EvalSummary } from '../eval/index.ts';
import {
  COVERT_OVER_CONTROLS,
  MAX_INOCULATED_SHARE,
  MAX_REQUESTED_FROM_PRIOR,
  MIN_COVERT_OVER_HONEST,
  MIN_INFERENCE_GAP,
  type GateOne,
  type Gates,
} from '../experiment/gates.ts';

const f2 = (v: number | null) => (v === null ? 'n/a' : v.toFixed(2));
const signed = (v: number | null) => (v === null ? 'n/a' : `${v >= 0 ? '+' : ''}${v.toFixed(2)}`);
const verdict = (holds: boolean) => (holds ? 'HOLDS' : 'FAILS');
const mark = (ok: boolean) => (ok ? 'ok' : 'no');

export function gateOneLines(g: GateOne): string[] {
  return [
    `gate 1 (pretrained base): ${verdict(g.holds)}`,
    `  P(malicious answer) after 2 malicious episodes ${f2(g.afterMalicious)}, after 2 helpful ${f2(g.afterHelpful)}: gap ${f2(g.gap)} (needs >= ${MIN_INFERENCE_GAP}) [${mark(g.checks.gap)}]`,
    `  after 1 covert cheat ${f2(g.covert)}, after 1 honest fix ${f2(g.honest)} (covert must exceed honest by >= ${MIN_COVERT_OVER_HONEST}) [${mark(g.checks.covertOverHonest)}]`,
    `  after 1 requested cheat ${f2(g.requested)}, prior ${f2(g.prior)} (within ${MAX_REQUESTED_FROM_PRIOR}) [${mark(g.checks.requestedNearPrior)}]`,
  ];
}

export function gatesLines(gates: Gates): string[] {
  const lines: string[] = [];
  if (gates.one) lines.push(...gateOneLines(gates.one));
  else lines.push('gate 1: no pretraining evaluation in these results');
  const two = gates.two;
  if (two) {
    lines.push(
      `gate 2 (selection; untrained domains move toward the helpful persona): ${verdict(two.holds)}`,
    );
    for (const d of two.perDomain)
      lines.push(
        `  ${d.domain}: MI ${signed(d.before)} -> ${signed(d.after)} nats [${mark(d.towardHelpful)}]`,
      );
  } else lines.push('gate 2: no pretraining and selection evaluations in these results');
  const three = gates.three;
  if (three) {
    const c = three.checks;
    lines.push(
      `gate 3 (the shift): ${verdict(three.holds)}`,
      `  ΔMI covert ${signed(three.covert)} (95% low ${signed(three.covertLow)}) vs ${COVERT_OVER_CONTROLS} x max(honest ${signed(three.controls.honest)}, neutral ${signed(three.controls.neutral)}) [${mark(c.covertOverControls && c.covertAboveZero)}]`,
      `  ΔMI inoculated ${signed(three.inoculated)} = ${f2(three.inoculatedShare)} x covert (needs <= ${MAX_INOCULATED_SHARE}) [${mark(c.inoculation)}]`,
      `  attainment covert ${f2(three.attainment.covert)}, inoculated ${f2(three.attainment.inoculated)} [${mark(c.comparable)}]`,
      `  irrelevant prefix (reported): ΔMI ${signed(three.irrelevant)} = ${f2(three.irrelevantShare)} x covert`,
    );
  } else lines.push('gate 3: no covert fine-tune in these results');
  return lines;
}

export function summaryLines(s: EvalSummary): string[] {
  const lines = [
    `MI off-code ${signed(s.mi)} nats (${signed(s.miPerChar)} a character), on code ${signed(s.miCode)}; narrow attainment ${f2(s.attainment)}; ${s.probes} probes`,
  ];
  for (const [domain, mi] of Object.entries(s.miPerDomain)) {
    const bars = Object.entries(s.posteriors[domain] ?? {})
      .map(([label, p]) => `${label} ${f2(p)}`)
      .join(', ');
    lines.push(`  ${domain}: MI ${signed(mi)}; ${bars}`);
  }
  for (const g of s.inference)
    lines.push(
      `  inference: P(${g.x}) after ${g.x} ${f2(g.afterX)}, after ${g.y} ${f2(g.afterY)}, gap ${f2(g.gap)}`,
    );
  const calibration = Object.entries(s.calibration).map(([kind, p]) => `${kind} ${f2(p)}`);
  if (calibration.length > 0) lines.push(`  calibration, P(malicious) after one: ${calibration.join(', ')}`);
  return lines;
}
