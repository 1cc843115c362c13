// <pl-groups-table>: a class's groups compared (guided lab 5). Cards whose recipes differ in one setting
// (the malicious AI's share) are grouped by its value: per value, how many runs (a run is one pretrained
// and selected base), the selected Assistant's misalignment index before any fine-tune (its default
// persona) and each prompt form's behaviour effect, with the 95% interval over runs. Text only.
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { GroupComparison } from '../../experiment/groupComparison.ts';
import type { Interval } from '../../experiment/results.ts';
import { formatNats } from '../numberFormat.ts';
import { numbersTableStyles, scrollFrameStyles } from '../views/viewStyles.ts';
import { FORM_TITLE } from './effectsTable.ts';

const withInterval = (i: Interval) =>
  i.n > 1 ? `${formatNats(i.mean)} [${formatNats(i.low)}, ${formatNats(i.high)}]` : formatNats(i.mean);

@customElement('pl-groups-table')
export class GroupsTable extends LitElement {
  @property({ attribute: false }) comparison: GroupComparison | null = null;

  static override styles = [scrollFrameStyles, numbersTableStyles];

  override render() {
    const c = this.comparison;
    if (!c) return nothing;
    const forms = c.groups[0]?.effects.map((e) => e.form) ?? [];
    return html`<div class="scroll" tabindex="0" role="region" aria-label="The groups compared">
        <table data-testid="groups-table">
          <caption>
            The groups compared by ${c.field}. A run is one pretrained and selected base (the same base twice
            counts once). Default MI: the selected Assistant's misalignment index before any fine-tune (nats,
            lower is more helpful). Effect: ΔMI of the cheat fine-tune minus ΔMI of its fix on the same
            prompts (nats). Mean and 95% interval over the runs of a value; one run has no interval.
          </caption>
          <thead>
            <tr>
              <th scope="col">${c.field}</th>
              <th scope="col">Runs</th>
              <th scope="col">Default MI</th>
              ${forms.map((f) => html`<th scope="col">${FORM_TITLE[f] ?? f} effect</th>`)}
            </tr>
          </thead>
          <tbody>
            ${c.groups.map(
              (g) =>
                html`<tr>
                  <td>${g.value}</td>
                  <td>${g.runs.length}</td>
                  <td>${withInterval(g.defaultMI)}</td>
                  ${g.effects.map((e) => html`<td>${withInterval(e.effect)}</td>`)}
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${
        c.left.length > 0
          ? html`<ul class="left-out" aria-label="Cards left out of the groups">
              ${c.left.map((l) => html`<li>${l.source}: not compared, ${l.reason}</li>`)}
            </ul>`
          : nothing
      }`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-groups-table': GroupsTable;
  }
}
