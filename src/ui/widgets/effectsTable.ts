// <pl-effects-table>: the fine-tune bench's paired behaviour effects, one row per prompt form (plain task,
// explicit request, irrelevant aside): ΔMI of the cheat set minus ΔMI of the fix set on the same prompts,
// paired by seed, with its 95% interval, on the main probes and on the second probe family; and beside it
// what the selected Assistant expected before any fine-tune: P(cheat) in that form and the surprise (mean
// loss) of both sets. Explaining away reads across a row: an expected cheat should move the persona less.
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { FormEffect, Interval, PreFinetune } from '../../experiment/results.ts';
import { formatNats } from '../numberFormat.ts';
import { numbersTableStyles, scrollFrameStyles } from '../views/viewStyles.ts';

export const FORM_TITLE: Readonly<Record<string, string>> = {
  plain: 'plain task',
  request: 'explicit request',
  irrelevant: 'irrelevant aside',
};

@customElement('pl-effects-table')
export class EffectsTable extends LitElement {
  /** The run's paired effects (results.effects). */
  @property({ attribute: false }) effects: readonly FormEffect[] = [];
  /** Titles of the user's own conditions (their rows: the condition against its control). */
  @property({ attribute: false }) titles: Readonly<Record<string, string>> = {};
  /** What the selected Assistant made of each form and set before any fine-tune (results.preFinetune). */
  @property({ attribute: false }) preFinetune: PreFinetune | null = null;

  static override styles = [scrollFrameStyles, numbersTableStyles];

  override render() {
    if (this.effects.length === 0) return nothing;
    const pre = this.preFinetune;
    const user = this.effects.some((e) => e.effectUser !== undefined);
    return html`<div class="scroll" tabindex="0" role="region" aria-label="Paired behaviour effects">
      <table>
        <caption>
          Behaviour effect = ΔMI of the cheat fine-tune minus ΔMI of the fix fine-tune on the same prompts,
          paired by seed (nats, mean and 95% interval): what learning to cheat does, with the prompt's own
          drift cancelled. Second family: the same contrast on probes written apart from the training text. On
          the direction: the same contrast on the Assistant's projection on the persona direction (spreads).
          Before fine-tuning: P(cheat) of the selected Assistant in that prompt form, and the surprise (mean
          loss, nats per answer character) of the cheat set / the fix set. A row of your own condition is that
          condition against its control on the same prompts; your probes: the same contrast on the probes you
          wrote.
        </caption>
        <thead>
          <tr>
            <th scope="col">Prompt form</th>
            <th scope="col">Seeds</th>
            <th scope="col">Effect (nats) [95% CI]</th>
            <th scope="col">Second family</th>
            <th scope="col">On the direction (spreads)</th>
            ${user ? html`<th scope="col">Your probes</th>` : nothing}
            <th scope="col">P(cheat) before</th>
            <th scope="col">Surprise cheat / fix</th>
          </tr>
        </thead>
        <tbody>
          ${this.effects.map(
            (e) =>
              html`<tr>
                <th scope="row">${FORM_TITLE[e.form] ?? `${this.titles[e.cheat] ?? e.cheat} (yours)`}</th>
                <td>${e.effect.n}</td>
                <td>${this.cell(e.effect)}</td>
                <td>${this.cell(e.effectSecond)}</td>
                <td>${e.effectProjection ? this.cell(e.effectProjection) : '–'}</td>
                ${user ? html`<td>${e.effectUser ? this.cell(e.effectUser) : '–'}</td>` : nothing}
                <td>${this.number(pre?.cheatByForm[e.form] ?? null)}</td>
                <td>
                  ${this.number(pre?.surprise[e.cheat] ?? null, 3)} /
                  ${this.number(pre?.surprise[e.fix] ?? null, 3)}
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }

  private cell(i: Interval) {
    if (i.mean === null) return '–';
    return html`${formatNats(i.mean)}${
      i.n > 1 && i.low !== null
        ? html` <span class="ci">[${formatNats(i.low)}, ${formatNats(i.high)}]</span>`
        : ''
    }`;
  }

  private number(v: number | null, digits = 2) {
    return v === null ? '–' : v.toFixed(digits);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-effects-table': EffectsTable;
  }
}
