// The lab's number formatting, the one place every figure on screen is written: significant digits,
// signed nats, axis tick labels that never collapse into one another, and the transfer ratio that says
// "n/a" where its denominator shows no shift.
import { describe, expect, it } from 'vitest';
import {
  NO_ON_CODE_SHIFT,
  count,
  duration,
  formatNats,
  formatTransferRatio,
  nats,
  noShift,
  pct,
  prob,
  rate,
  sig,
  tickLabels,
} from '../../src/ui/numberFormat.ts';

const interval = (mean: number | null, low: number | null, high: number | null, n = 3) => ({
  mean,
  low,
  high,
  n,
});

describe('everyday figures', () => {
  it('writes significant digits, signs, percentages and counts', () => {
    expect(sig(3.14159)).toBe('3.14');
    expect(sig(0.012345)).toBe('0.0123');
    expect(sig(1234.5)).toBe('1235');
    expect(sig(0.0001234)).toBe('1.23e-4');
    expect(sig(0)).toBe('0');
    expect(sig(null)).toBe('–');
    expect(sig(Number.NaN)).toBe('–');
    expect(nats(0.5)).toBe('+0.500 nats');
    expect(nats(-1.25)).toBe('-1.25 nats');
    expect(pct(0.384)).toBe('38%');
    expect(pct(0.042)).toBe('4.2%');
    expect(prob(0.5449)).toBe('0.54');
    expect(count(15_400_000)).toBe('15,400,000');
    expect(duration(42)).toBe('42 s');
    expect(duration(185)).toBe('3 min 5 s');
    expect(duration(6420)).toBe('1 h 47 min');
    expect(rate(12_345)).toBe('12.3k chars/s');
  });

  it('signs nats to fixed decimals, and a value that rounds to zero reads as an unsigned zero', () => {
    expect(formatNats(0.1234)).toBe('+0.12');
    expect(formatNats(-8.716)).toBe('-8.72');
    expect(formatNats(-0.001)).toBe('0.00');
    expect(formatNats(0.001)).toBe('0.00');
    expect(formatNats(0.00012, 4)).toBe('+0.0001');
    expect(formatNats(null)).toBe('–');
    expect(formatNats(Number.POSITIVE_INFINITY)).toBe('–');
  });
});

describe('axis tick labels', () => {
  it('gives quarters of a probability two decimals each, never a row of zeros', () => {
    expect(tickLabels([0, 0.25, 0.5, 0.75, 1])).toEqual(['0.00', '0.25', '0.50', '0.75', '1.00']);
  });

  it('writes whole-number ticks without decimals', () => {
    expect(tickLabels([0, 1, 2, 3])).toEqual(['0', '1', '2', '3']);
    expect(tickLabels([0, 500, 1000, 1500])).toEqual(['0', '500', '1000', '1500']);
  });

  it('carries the decimals that tiny spacings need', () => {
    expect(tickLabels([0, 0.0001, 0.0002, 0.0003])).toEqual(['0.0000', '0.0001', '0.0002', '0.0003']);
    expect(tickLabels([-0.2, -0.1, 0, 0.1])).toEqual(['-0.2', '-0.1', '0.0', '0.1']);
    expect(tickLabels([2.5, 5, 7.5])).toEqual(['2.5', '5.0', '7.5']);
  });

  it('rides over floating-point noise and keeps neighbours distinct', () => {
    const ticks = [0.1, 0.2, 0.30000000000000004, 0.4];
    expect(tickLabels(ticks)).toEqual(['0.1', '0.2', '0.3', '0.4']);
    const fine = [3.2, 3.205, 3.21, 3.215];
    const labels = tickLabels(fine);
    expect(new Set(labels).size).toBe(fine.length);
    expect(labels).toEqual(['3.200', '3.205', '3.210', '3.215']);
  });

  it('leaves a gap where uPlot passes no value, and writes -0 as 0', () => {
    expect(tickLabels([null, -0, 1])).toEqual(['', '0', '1']);
    expect(tickLabels([])).toEqual([]);
  });
});

describe('the transfer ratio', () => {
  it('is n/a when the on-code ΔMI interval contains zero, whatever the ratio says', () => {
    const ratio = interval(-220.55, -1400.07, 958.96);
    const onCode = interval(0.002, -0.08, 0.08);
    expect(noShift(onCode)).toBe(true);
    expect(formatTransferRatio(ratio, onCode)).toEqual({
      value: NO_ON_CODE_SHIFT,
      interval: null,
      meaningless: true,
    });
    expect(NO_ON_CODE_SHIFT).toBe('n/a (no on-code shift)');
  });

  it('is shown with its interval when the on-code shift is clear of zero, on either side', () => {
    const ratio = interval(0.6921, 0.5, 0.88);
    expect(formatTransferRatio(ratio, interval(13.13, 12.23, 14.03))).toEqual({
      value: '+0.69',
      interval: '[+0.50, +0.88]',
      meaningless: false,
    });
    expect(formatTransferRatio(interval(0.04, 0.01, 0.07), interval(-8.72, -10.46, -6.97)).value).toBe(
      '+0.04',
    );
  });

  it('has no meaning over a zero or missing on-code shift, and no interval with one seed', () => {
    expect(noShift(interval(0, 0, 0, 1))).toBe(true);
    expect(noShift(interval(null, null, null, 0))).toBe(true);
    // One seed: no interval to judge by, so the number stands, without brackets.
    expect(formatTransferRatio(interval(0.5, 0.5, 0.5, 1), interval(0.3, 0.3, 0.3, 1))).toEqual({
      value: '+0.50',
      interval: null,
      meaningless: false,
    });
    expect(formatTransferRatio(interval(null, null, null, 0), interval(0.3, 0.2, 0.4)).value).toBe('–');
  });

  it('treats an interval that touches zero as containing it', () => {
    expect(noShift(interval(0.05, 0, 0.1))).toBe(true);
    expect(noShift(interval(0.05, 0.0001, 0.1))).toBe(false);
  });
});
