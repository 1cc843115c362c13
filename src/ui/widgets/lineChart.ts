// <pl-line-chart>: a live line chart (uPlot) with optional bands (e.g. a 95% interval over seeds).
// Data flows in through the `series` property; the chart redraws in place without re-creating itself.
// Each axis has a kind that sets where its ticks may fall (whole steps, a probability's 0..1, or any
// number) and its labels carry the decimals the tick spacing needs; the drawn axis ranges are spoken too.
import { LitElement, css, html, unsafeCSS, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import uPlot from 'uplot';
import uPlotCss from 'uplot/dist/uPlot.min.css?inline';
import { tickLabels } from '../numberFormat.ts';

export interface ChartPoint {
  x: number;
  y: number;
  /** Band edges around y (drawn when both are present). */
  lo?: number;
  hi?: number;
}

export interface ChartSeries {
  label: string;
  color: string;
  points: readonly ChartPoint[];
  dashed?: boolean;
  /** Draw the points as markers without a connecting line (a scatter, e.g. attainment against ΔMI). */
  markers?: boolean;
}

/**
 * What an axis measures: `integer` (counts such as a step: whole-number ticks only), `probability`
 * (always drawn from 0 to 1, ticks at quarters or halves) or `number` (uPlot's own range and spacing).
 */
export type AxisKind = 'number' | 'integer' | 'probability';

/** Whole-number tick spacings, 1, 2, 5, 10, ... up to 5e9. */
const INTEGER_INCREMENTS = Array.from({ length: 10 }, (_, e) => [1, 2, 5].map((m) => m * 10 ** e)).flat();
const PROBABILITY_INCREMENTS = [0.25, 0.5, 1];

function alpha(color: string, a: number): string {
  const hex = Math.round(a * 255)
    .toString(16)
    .padStart(2, '0');
  return color.length === 7 ? color + hex : color;
}

@customElement('pl-line-chart')
export class LineChart extends LitElement {
  /** One entry per line. */
  @property({ attribute: false }) series: readonly ChartSeries[] = [];
  @property() xLabel = '';
  @property() yLabel = '';
  /** Accessible description of what the chart shows. */
  @property() label = '';
  @property({ type: Number }) height = 240;
  /** Draw y = 0 as a reference line. */
  @property({ type: Boolean }) zeroLine = false;
  /** What the horizontal axis measures (sets its range and tick spacing). */
  @property() xKind: AxisKind = 'number';
  /** What the vertical axis measures. */
  @property() yKind: AxisKind = 'number';

  @query('.plot') private plotEl!: HTMLDivElement;
  private plot: uPlot | null = null;
  private shape = '';
  private resizer: ResizeObserver | null = null;
  private drawn: { x: string[]; y: string[] } = { x: [], y: [] };

  static override styles = [
    unsafeCSS(uPlotCss),
    css`
      :host {
        display: block;
        min-width: 0;
      }
      .plot {
        width: 100%;
      }
      .empty {
        color: #666;
        font-size: 0.9rem;
        padding: 1rem 0;
      }
    `,
  ];

  override render() {
    const empty = this.series.every((s) => s.points.length === 0);
    return html`<div class="plot" role="img" aria-label=${this.description()}></div>
      ${empty ? html`<div class="empty">No data yet.</div>` : ''}`;
  }

  override firstUpdated(): void {
    this.resizer = new ResizeObserver(() =>
      this.plot?.setSize({ width: this.plotWidth(), height: this.height }),
    );
    this.resizer.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizer?.disconnect();
    this.plot?.destroy();
    this.plot = null;
  }

  /** The tick labels last drawn on an axis, in order (empty before the first draw). */
  ticks(axis: 'x' | 'y'): readonly string[] {
    return this.drawn[axis];
  }

  /** The chart's accessible name: what it shows and, once drawn, the range of each axis. */
  private description(): string {
    const what = this.label || this.yLabel;
    const range = (name: string, ticks: string[]) =>
      ticks.length > 1 ? ` ${name}: ${ticks[0]} to ${ticks.at(-1)}.` : '';
    return `${what}.${range(this.xLabel || 'horizontal axis', this.drawn.x)}${range(this.yLabel || 'vertical axis', this.drawn.y)}`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    const reshaped = changed.has('height') || changed.has('xKind') || changed.has('yKind');
    if (!changed.has('series') && !reshaped) return;
    const data = this.alignedData();
    // Re-create only when the set of lines changes; otherwise stream new points in.
    const shape = this.series
      .map((s) => `${s.label}|${s.color}|${s.points.some((p) => p.lo !== undefined)}`)
      .join(';');
    if (!this.plot || shape !== this.shape || reshaped) {
      this.plot?.destroy();
      this.shape = shape;
      this.plot = new uPlot(this.options(), data, this.plotEl);
    } else {
      this.plot.setData(data);
    }
  }

  private plotWidth(): number {
    return Math.max(200, this.getBoundingClientRect().width || 600);
  }

  private alignedData(): uPlot.AlignedData {
    const xs = [...new Set(this.series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
    const columns: (number | null)[][] = [];
    for (const s of this.series) {
      const byX = new Map(s.points.map((p) => [p.x, p]));
      columns.push(xs.map((x) => byX.get(x)?.y ?? null));
      if (s.points.some((p) => p.lo !== undefined)) {
        columns.push(xs.map((x) => byX.get(x)?.lo ?? null));
        columns.push(xs.map((x) => byX.get(x)?.hi ?? null));
      }
    }
    return [xs, ...columns] as uPlot.AlignedData;
  }

  private options(): uPlot.Options {
    const series: uPlot.Series[] = [{ label: this.xLabel }];
    const bands: uPlot.Band[] = [];
    for (const s of this.series) {
      series.push({
        label: s.label,
        stroke: s.color,
        width: 2,
        dash: s.dashed ? [6, 4] : undefined,
        spanGaps: true,
        ...(s.markers ? { paths: () => null, points: { show: true, size: 8, fill: s.color } } : {}),
      });
      if (s.points.some((p) => p.lo !== undefined)) {
        const lo = series.length;
        series.push({ label: `${s.label} (low)`, stroke: alpha(s.color, 0.3), width: 0, spanGaps: true });
        series.push({ label: `${s.label} (high)`, stroke: alpha(s.color, 0.3), width: 0, spanGaps: true });
        bands.push({ series: [lo + 1, lo], fill: alpha(s.color, 0.18) });
      }
    }
    const hooks: uPlot.Hooks.Arrays = {};
    // Band edges are series of their own; keep them out of the legend.
    const edges = new Set(bands.flatMap((b) => b.series));
    hooks.init = [
      (u: uPlot) =>
        u.root.querySelectorAll<HTMLElement>('.u-legend .u-series').forEach((row, i) => {
          if (edges.has(i)) row.style.display = 'none';
        }),
    ];
    // The accessible name follows the axes as they re-range; set here, since a draw is not a lit render.
    hooks.draw = [() => this.plotEl.setAttribute('aria-label', this.description())];
    if (this.zeroLine) {
      hooks.drawAxes = [
        (u: uPlot) => {
          const y = u.valToPos(0, 'y', true);
          if (!Number.isFinite(y)) return;
          const ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = '#888';
          ctx.setLineDash([3, 3]);
          ctx.beginPath();
          ctx.moveTo(u.bbox.left, y);
          ctx.lineTo(u.bbox.left + u.bbox.width, y);
          ctx.stroke();
          ctx.restore();
        },
      ];
    }
    return {
      width: this.plotWidth(),
      height: this.height,
      series,
      bands,
      hooks,
      scales: {
        x: { time: false, ...this.scaleOf(this.xKind) },
        y: this.scaleOf(this.yKind),
      },
      axes: [this.axisOf('x', this.xKind, this.xLabel), this.axisOf('y', this.yKind, this.yLabel)],
      legend: { live: true },
    };
  }

  private scaleOf(kind: AxisKind): uPlot.Scale {
    return kind === 'probability' ? { range: [0, 1] } : {};
  }

  private axisOf(axis: 'x' | 'y', kind: AxisKind, label: string): uPlot.Axis {
    return {
      label,
      ...(kind === 'integer' ? { incrs: INTEGER_INCREMENTS } : {}),
      ...(kind === 'probability' ? { incrs: PROBABILITY_INCREMENTS } : {}),
      values: (_u: uPlot, splits: number[]) => (this.drawn[axis] = tickLabels(splits)),
    };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-line-chart': LineChart;
  }
}
