// <pl-direction-panel>: a persona direction's separation per layer: for each layer, how well the
// projection on the direction tells held-out documents of the two personas apart (AUC, with a bar, and
// d′), the spread that steering and the fine-tune curve use as their unit, and a plain reading.
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { PersonaDirection } from '../../../workers/contract.ts';
import { readDirection } from '../directionReading.ts';
import { numbersTableStyles } from '../views/viewStyles.ts';

const two = (v: number | null) => (v === null ? '–' : v.toFixed(2));

@customElement('pl-direction-panel')
export class DirectionPanel extends LitElement {
  /** The direction to show (null: nothing measured yet). */
  @property({ attribute: false }) direction: PersonaDirection | null = null;

  static override styles = [
    numbersTableStyles,
    css`
      :host {
        overflow-x: auto;
      }
      td.bar {
        text-align: left;
      }
      .bar span {
        display: inline-block;
        height: 0.7rem;
        background: #6b5fb5;
        border-radius: 2px;
        vertical-align: middle;
      }
      .best {
        font-weight: 600;
      }
      .reading p {
        margin: 0.4rem 0;
        line-height: 1.45;
      }
    `,
  ];

  override render() {
    const d = this.direction;
    if (!d) return html`<p class="note">No direction measured yet.</p>`;
    return html`<table>
        <caption>
          ${d.pair.a} minus ${d.pair.b}, on ${d.source}: AUC and d′ on ${d.contexts.test} held-out documents a
          persona not used to fit it (AUC 0.5 is chance, 1 perfect); spread: the standard deviation of all
          documents' projections, the unit of steering and of the fine-tune curve.
        </caption>
        <thead>
          <tr>
            <th scope="col">layer</th>
            <th scope="col">AUC</th>
            <th scope="col">separation</th>
            <th scope="col">d′</th>
            <th scope="col">spread</th>
          </tr>
        </thead>
        <tbody>
          ${d.layers.map(
            (l) =>
              html`<tr class=${l.layer === d.bestLayer ? 'best' : ''}>
                <th scope="row">${l.layer}${l.layer === d.bestLayer ? ' (best)' : ''}</th>
                <td>${two(l.auc)}</td>
                <td class="bar" aria-hidden="true">
                  <span style="width:${Math.round(Math.max(0, ((l.auc ?? 0.5) - 0.5) * 2) * 100)}px"></span>
                </td>
                <td>${two(l.dPrime)}</td>
                <td>${two(l.spread)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      <div class="reading" aria-label="What the direction says">
        ${readDirection(d).map((line) => html`<p>${line}</p>`)}
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-direction-panel': DirectionPanel;
  }
}
