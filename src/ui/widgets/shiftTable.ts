// <pl-shift-table>: the fine-tune bench's results, one row per condition: seeds, ΔMI with its 95%
// interval over seeds (marked when it excludes zero), ΔMI per character, code ΔMI, transfer ratio and
// narrow attainment, and, when the run measured it, the set's surprise before fine-tuning. Numbers in
// nats unless said otherwise. A transfer ratio over an on-code ΔMI that shows no shift reads "n/a (no
// on-code shift)"; the exports keep its number. On a narrow screen the table scrolls sideways inside its
// own frame, which a keyboard can focus and scroll.
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { colorFor } from '../palette.ts';
import type { ConditionShift } from '../../experiment/conditionShifts.ts';
import type { Interval } from '../../experiment/results.ts';
import { formatNats, formatTransferRatio, prob } from '../numberFormat.ts';
import { numbersTableStyles, scrollFrameStyles } from '../views/viewStyles.ts';

@customElement('pl-shift-table')
export class ShiftTable extends LitElement {
  /** One entry per condition, in display order. */
  @property({ attribute: false }) shifts: readonly ConditionShift[] = [];
  /** Display title of a condition id. */
  @property({ attribute: false }) titleOf: (id: string) => string = (id) => id;
  /** Each condition's surprise to the selected Assistant before fine-tuning (mean loss of its set, nats
   * per answer character); the column shows when the run measured it. */
  @property({ attribute: false }) surprise: Readonly<Record<string, number | null>> = {};

  static override styles = [
    scrollFrameStyles,
    numbersTableStyles,
    css`
      .swatch {
        display: inline-block;
        width: 0.7rem;
        height: 0.7rem;
        border-radius: 50%;
        margin-right: 0.4rem;
        vertical-align: -0.05rem;
      }
      .shift {
        font-weight: 700;
      }
      .mark {
        color: #000;
        margin-left: 0.2rem;
      }
    `,
  ];

  override render() {
    const withSurprise = Object.keys(this.surprise).length > 0;
    return html`<div class="scroll" tabindex="0" role="region" aria-label="Results table">
      <table>
        <caption>
          ΔMI: change of the off-code misalignment index against the selected checkpoint, nats, mean over
          seeds with its 95% interval; ★ marks an interval that excludes zero (a shift). Transfer ratio =
          off-code ΔMI / code ΔMI; it reads n/a where the code ΔMI's interval contains zero, since a ratio
          over a shift that may be nothing can take any size or sign (the CSV keeps the number). Attainment =
          probability of the cheat answer on held-out code
          probes.${
            withSurprise
              ? ' Surprise = mean loss of the condition’s fine-tune set under the selected Assistant before any fine-tune (nats per answer character): a set the Assistant already expects carries less evidence about who it is.'
              : ''
          }
        </caption>
        <thead>
          <tr>
            <th scope="col">Condition</th>
            <th scope="col">Seeds</th>
            <th scope="col">ΔMI (nats) [95% CI]</th>
            <th scope="col">ΔMI per char</th>
            <th scope="col">Code ΔMI</th>
            <th scope="col">Transfer ratio</th>
            <th scope="col">Attainment</th>
            ${withSurprise ? html`<th scope="col">Surprise before</th>` : ''}
          </tr>
        </thead>
        <tbody>
          ${this.shifts.map(
            (s) =>
              html`<tr>
                <th scope="row">
                  <span class="swatch" style="background:${colorFor(s.condition)}" aria-hidden="true"></span
                  >${this.titleOf(s.condition)}
                </th>
                <td>${s.latest.deltaMI.n}</td>
                <td>${this.cell(s.latest.deltaMI, 2)}</td>
                <td>${this.cell(s.latest.deltaMIPerChar, 4)}</td>
                <td>${this.cell(s.latest.deltaMICode, 2)}</td>
                <td>${this.transfer(s)}</td>
                <td>${this.probability(s.latest.attainment)}</td>
                ${withSurprise ? html`<td>${this.surprise[s.condition]?.toFixed(3) ?? '–'}</td>` : ''}
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }

  /** `+0.42 [+0.20, +0.64] ★` with the mark for an interval that excludes zero. */
  private cell(i: Interval, digits: number) {
    if (i.mean === null) return '–';
    const ci = i.low !== null && i.high !== null && i.n > 1;
    return html`<span class=${i.excludesZero ? 'shift' : ''}>${formatNats(i.mean, digits)}</span>${
        ci ? html` <span class="ci">[${formatNats(i.low, digits)}, ${formatNats(i.high, digits)}]</span>` : ''
      }${
        i.excludesZero
          ? html`<span class="mark" title="The 95% interval excludes zero" aria-label="interval excludes zero"
              >★</span
            >`
          : ''
      }`;
  }

  private transfer(s: ConditionShift) {
    const t = formatTransferRatio(s.latest.transferRatio, s.latest.deltaMICode);
    if (t.meaningless)
      return html`<span class="ci" title="The code ΔMI's 95% interval contains zero: no ratio to speak of"
        >${t.value}</span
      >`;
    return html`${t.value}${t.interval ? html` <span class="ci">${t.interval}</span>` : ''}`;
  }

  /** A probability with its interval, `0.54 [0.40, 0.68]`. */
  private probability(i: Interval) {
    if (i.mean === null) return '–';
    return html`${prob(i.mean)}${
      i.n > 1 && i.low !== null ? html` <span class="ci">[${prob(i.low)}, ${prob(i.high)}]</span>` : ''
    }`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-shift-table': ShiftTable;
  }
}
