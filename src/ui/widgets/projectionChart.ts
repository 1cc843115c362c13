// <pl-projection-chart>: the fine-tune bench's second instrument. Along each fine-tune, the Assistant's
// projection on the persona direction measured on the pretrained base (malicious minus helpful), as a
// shift against the selected Assistant in spreads of the direction: a line per condition, a 95% band
// over seeds, the same seeds and steps as the ΔMI chart beside it, and a plain reading under it.
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { PersonaDirection } from '../../../workers/contract.ts';
import { readProjection } from '../directionReading.ts';
import type { ConditionShift } from '../../experiment/conditionShifts.ts';
import { colorFor } from '../palette.ts';
import type { ChartSeries } from './lineChart.ts';
import './lineChart.ts';

/** The chart's lines: mean shift per step, banded where two seeds or more measured it. */
export function projectionSeries(
  shifts: readonly ConditionShift[],
  titleOf: (id: string) => string,
): ChartSeries[] {
  return shifts.map((c) => ({
    label: titleOf(c.condition),
    color: colorFor(c.condition),
    points: c.trajectory
      .filter((t) => t.deltaProjection.mean !== null)
      .map((t) => ({
        x: t.step,
        y: t.deltaProjection.mean!,
        ...(t.deltaProjection.n > 1
          ? { lo: t.deltaProjection.low ?? undefined, hi: t.deltaProjection.high ?? undefined }
          : {}),
      })),
  }));
}

@customElement('pl-projection-chart')
export class ProjectionChart extends LitElement {
  /** The chart's series (kept by the view so that a redraw happens only when the numbers change). */
  @property({ attribute: false }) series: readonly ChartSeries[] = [];
  /** The numbers the reading is computed from. */
  @property({ attribute: false }) shifts: readonly ConditionShift[] = [];
  @property({ attribute: false }) direction: PersonaDirection | null = null;
  @property({ attribute: false }) titleOf: (id: string) => string = (id) => id;

  static override styles = css`
    :host {
      display: block;
    }
    figure {
      margin: 0;
    }
    figcaption {
      font-size: 0.85rem;
      color: #444;
      margin-bottom: 0.3rem;
    }
    .reading p {
      margin: 0.3rem 0;
      line-height: 1.45;
      font-size: 0.9rem;
    }
  `;

  override render() {
    const d = this.direction;
    const layer = d ? ` at layer ${d.bestLayer}` : '';
    return html`<figure>
        <figcaption>
          Δ projection of the Assistant on the ${d ? `${d.pair.a} − ${d.pair.b}` : 'persona'}
          direction${layer} (spreads, against the selected Assistant) against fine-tune step; bands: 95%
          interval over seeds.
        </figcaption>
        <pl-line-chart
          .series=${this.series}
          xLabel="fine-tune step"
          xKind="integer"
          yLabel="Δ projection (spreads)"
          label="Projection on the persona direction against fine-tune step, one line per condition"
          zeroLine
        ></pl-line-chart>
      </figure>
      <div class="reading" aria-live="polite" aria-label="What the direction says about the fine-tunes">
        ${readProjection(this.shifts, d, this.titleOf).map((line) => html`<p>${line}</p>`)}
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-projection-chart': ProjectionChart;
  }
}
