// <pl-user-probes-table>: the user's own probes in a run's results: per probe set, where the selected
// Assistant's probability went among the personas' answers, and each condition's mean final ΔMI on it.
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { UserProbeRow } from '../userProbeRows.ts';
import { formatNats } from '../numberFormat.ts';
import { numbersTableStyles, scrollFrameStyles } from '../views/viewStyles.ts';

@customElement('pl-user-probes-table')
export class UserProbesTable extends LitElement {
  /** One row per probe set (userProbeRows of the run's results). */
  @property({ attribute: false }) rows: readonly UserProbeRow[] = [];
  /** Display title of each condition. */
  @property({ attribute: false }) titleOf: (id: string) => string = (id) => id;

  static override styles = [scrollFrameStyles, numbersTableStyles];

  override render() {
    if (this.rows.length === 0) return nothing;
    const conditions = Object.keys(this.rows[0]!.deltaMI);
    return html`<div class="scroll" tabindex="0" role="region" aria-label="Your probes">
      <table>
        <caption>
          Before: the selected Assistant's probability of each persona's answer (mean over the set). ΔMI: log
          p(malicious answer) - log p(helpful answer) after each fine-tune, minus before (nats, mean over
          seeds).
        </caption>
        <thead>
          <tr>
            <th scope="col">Your probe set</th>
            <th scope="col">Before</th>
            ${conditions.map((c) => html`<th scope="col">ΔMI ${this.titleOf(c)}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${this.rows.map(
            (row) =>
              html`<tr>
                <th scope="row">${row.probeSet}</th>
                <td>
                  ${Object.entries(row.before)
                    .map(([persona, p]) => `${persona} ${p.toFixed(2)}`)
                    .join(', ')}
                </td>
                ${conditions.map((c) => {
                  const v = row.deltaMI[c];
                  return html`<td>${v === null || v === undefined ? '–' : formatNats(v)}</td>`;
                })}
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-user-probes-table': UserProbesTable;
  }
}
