// sweep.svg: the dose-response chart of a sweep as one self-contained SVG (no scripts, no external
// fonts or styles, so it opens anywhere and can be committed next to the numbers). x = the swept value,
// y = ΔMI off-code; one line per condition with 95% error bars, a dashed zero line, ticked axes, a
// legend. A sweep crossed with pretrainings draws each value's mean over its pretrainings with the
// interval over pretrainings. Pure: rows in, text out.
import type { SweepRow, SweepSummary } from '../experiment/sweepSummary.ts';

const WIDTH = 640;
const HEIGHT = 400;
const PLOT = { left: 64, right: WIDTH - 160, top: 36, bottom: HEIGHT - 56 };
// Colour-blind-safe (Okabe-Ito), in condition order; repeats past eight conditions.
const COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000', '#f0e442'];
/** Horizontal offset between conditions' markers, so that error bars at the same value stay apart. */
const DODGE = 6;
const X_INSET = 14;

/** Text and attribute values made safe for XML. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

interface Axis {
  lo: number;
  hi: number;
  ticks: number[];
  decimals: number;
}

/** Round ticks (1, 2 or 5 x 10^k apart) covering [lo, hi], the domain widened to the outer ticks. */
export function niceAxis(lo: number, hi: number, target = 5): Axis {
  if (!(hi - lo > 1e-12)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) / 2;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw * 0.999)!;
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const ticks: number[] = [];
  // Integer multiples of the step, so a tick is exactly 0 where it should be (never -1e-17).
  for (let k = first; k <= last; k++) ticks.push(k === 0 ? 0 : k * step);
  return {
    lo: first * step,
    hi: last * step,
    ticks,
    decimals: Math.min(6, Math.max(0, -Math.floor(Math.log10(step) + 1e-9))),
  };
}

const px = (v: number) => v.toFixed(1);

/** The rows to draw: the points', or for a crossed sweep each value over its pretrainings. */
function chartRows(summary: SweepSummary): SweepRow[] {
  if (summary.overPretrainings.length === 0) return summary.rows;
  return summary.overPretrainings.flatMap((v) =>
    v.conditions.map((c) => ({
      value: v.value,
      label: v.label,
      pretraining: null,
      condition: c.condition,
      seeds: c.deltaMI.n,
      deltaMI: c.deltaMI.mean,
      deltaMILow: c.deltaMI.low,
      deltaMIHigh: c.deltaMI.high,
      excludesZero: c.deltaMI.excludesZero,
      attainment: c.attainment,
      transferRatio: null,
    })),
  );
}

export function sweepSvg(summary: SweepSummary): string {
  const { conditions, param } = summary;
  const rows = chartRows(summary);
  const over = summary.overPretrainings.length > 0 ? 'over pretrainings' : 'over seeds';
  const xs = summary.values.length > 0 ? summary.values : [0];
  const ys = [0];
  for (const r of rows) for (const v of [r.deltaMI, r.deltaMILow, r.deltaMIHigh]) if (v !== null) ys.push(v);
  const xAxis = niceAxis(Math.min(...xs), Math.max(...xs));
  const yAxis = niceAxis(Math.min(...ys), Math.max(...ys));
  // Inset from the y axis and the plot's right edge, so that dodged markers at the ends stay inside.
  const inner = PLOT.right - PLOT.left - 2 * X_INSET;
  const x = (v: number) => PLOT.left + X_INSET + ((v - xAxis.lo) / (xAxis.hi - xAxis.lo)) * inner;
  const y = (v: number) => PLOT.bottom - ((v - yAxis.lo) / (yAxis.hi - yAxis.lo)) * (PLOT.bottom - PLOT.top);

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(`ΔMI off-code against ${param}`)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
  ];

  // Axes with ticks and labels.
  out.push('<g class="axes" stroke="#333333" fill="none">');
  out.push(
    `<line class="x-axis" x1="${PLOT.left}" y1="${PLOT.bottom}" x2="${PLOT.right}" y2="${PLOT.bottom}"/>`,
  );
  out.push(`<line class="y-axis" x1="${PLOT.left}" y1="${PLOT.top}" x2="${PLOT.left}" y2="${PLOT.bottom}"/>`);
  for (const t of xAxis.ticks)
    out.push(`<line x1="${px(x(t))}" y1="${PLOT.bottom}" x2="${px(x(t))}" y2="${PLOT.bottom + 5}"/>`);
  for (const t of yAxis.ticks)
    out.push(`<line x1="${PLOT.left - 5}" y1="${px(y(t))}" x2="${PLOT.left}" y2="${px(y(t))}"/>`);
  out.push('</g>');
  out.push('<g class="tick-labels" fill="#333333">');
  for (const t of xAxis.ticks)
    out.push(
      `<text x="${px(x(t))}" y="${PLOT.bottom + 18}" text-anchor="middle">${t.toFixed(xAxis.decimals)}</text>`,
    );
  for (const t of yAxis.ticks)
    out.push(
      `<text x="${PLOT.left - 8}" y="${px(y(t) + 4)}" text-anchor="end">${t.toFixed(yAxis.decimals)}</text>`,
    );
  out.push('</g>');
  const midX = (PLOT.left + PLOT.right) / 2;
  const midY = (PLOT.top + PLOT.bottom) / 2;
  out.push(
    `<text class="axis-label x-label" x="${px(midX)}" y="${HEIGHT - 14}" text-anchor="middle">${escapeXml(param)}</text>`,
    `<text class="axis-label y-label" x="16" y="${px(midY)}" text-anchor="middle" transform="rotate(-90 16 ${px(midY)})">${escapeXml(`ΔMI off-code (nats), mean and 95% interval ${over}`)}</text>`,
    `<text class="chart-title" x="${PLOT.left}" y="20" font-weight="bold">${escapeXml(`Dose response: ${param}`)}</text>`,
  );

  // The zero line: a shift is an interval that stays on one side of it.
  out.push(
    `<line class="zero-line" x1="${PLOT.left}" y1="${px(y(0))}" x2="${PLOT.right}" y2="${px(y(0))}" stroke="#888888" stroke-dasharray="4 3"/>`,
  );

  conditions.forEach((condition, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const dodge = (i - (conditions.length - 1) / 2) * DODGE;
    const own = rows.filter((r) => r.condition === condition).sort((a, b) => a.value - b.value);
    out.push(
      `<g class="condition" data-condition="${escapeXml(condition)}" stroke="${colour}" fill="${colour}">`,
    );
    // One path per condition; a point without a mean breaks the line rather than bridging it.
    let d = '';
    let pen = 'M';
    for (const r of own) {
      if (r.deltaMI === null) {
        pen = 'M';
        continue;
      }
      d += `${pen}${px(x(r.value) + dodge)} ${px(y(r.deltaMI))} `;
      pen = 'L';
    }
    out.push(`<path class="series" d="${d.trim()}" fill="none" stroke-width="2"/>`);
    for (const r of own) out.push(...errorBar(r, x(r.value) + dodge, y));
    for (const r of own) {
      if (r.deltaMI !== null)
        out.push(`<circle class="marker" cx="${px(x(r.value) + dodge)}" cy="${px(y(r.deltaMI))}" r="3.5"/>`);
    }
    out.push('</g>');
  });

  // The legend, right of the plot so that it never covers a line.
  out.push(`<g class="legend" transform="translate(${PLOT.right + 20} ${PLOT.top})">`);
  conditions.forEach((condition, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const top = i * 20;
    out.push(
      `<line x1="0" y1="${top + 6}" x2="22" y2="${top + 6}" stroke="${colour}" stroke-width="2"/>`,
      `<circle cx="11" cy="${top + 6}" r="3.5" fill="${colour}"/>`,
      `<text x="30" y="${top + 10}" fill="#333333">${escapeXml(condition)}</text>`,
    );
  });
  out.push('</g>', '</svg>');
  return `${out.join('\n')}\n`;
}

/** A vertical bar from the interval's low to its high end with caps; none for a single seed. */
function errorBar(r: SweepRow, cx: number, y: (v: number) => number): string[] {
  if (r.deltaMILow === null || r.deltaMIHigh === null || !(r.deltaMIHigh > r.deltaMILow)) return [];
  const lo = px(y(r.deltaMILow));
  const hi = px(y(r.deltaMIHigh));
  const [a, b] = [px(cx - 4), px(cx + 4)];
  return [
    `<path class="error-bar" d="M${px(cx)} ${lo} V${hi} M${a} ${lo} H${b} M${a} ${hi} H${b}" fill="none" stroke-width="1.2"/>`,
  ];
}
