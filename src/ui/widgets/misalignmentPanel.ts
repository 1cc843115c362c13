// <pl-misalignment-panel>: the misalignment index of one evaluation, in nats: off-code MI (the headline),
// per character, per domain as bars around zero (right = leans malicious, left = leans helpful), the same
// index on code, and narrow attainment. With a `reference` evaluation it also shows the change.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { EvalSummary } from '../../../workers/contract.ts';
import { OKABE_ITO } from '../palette.ts';
import { DOMAIN_ORDER, SELECTION_DOMAINS } from '../posteriorRows.ts';
import { nats, pct, sig } from '../numberFormat.ts';

@customElement('pl-misalignment-panel')
export class MisalignmentPanel extends LitElement {
  @property({ attribute: false }) summary: EvalSummary | null = null;
  /** An earlier evaluation to compare with (e.g. the selected model); null = none. */
  @property({ attribute: false }) reference: EvalSummary | null = null;
  /** What `reference` is, in words ("before selection"). */
  @property() referenceLabel = '';
  /** Mark the domains that selection trained. */
  @property({ type: Boolean }) markTrained = false;

  static override styles = css`
    :host {
      display: block;
      font-size: 0.92rem;
    }
    .figures {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1.5rem;
      margin-bottom: 0.6rem;
    }
    .figure {
      font-size: 1.4rem;
      font-weight: 600;
      font-variant-numeric: tabular-nums;
    }
    .name {
      font-size: 0.8rem;
      color: #555;
    }
    .delta {
      font-size: 0.8rem;
      color: #333;
    }
    .domain {
      display: grid;
      grid-template-columns: 7.5rem 1fr 6.5rem;
      gap: 0.5rem;
      align-items: center;
      margin: 0.2rem 0;
    }
    .axis {
      position: relative;
      height: 0.9rem;
      background: #f0f0ea;
      border-radius: 3px;
    }
    .axis::before {
      content: '';
      position: absolute;
      left: 50%;
      top: -0.15rem;
      bottom: -0.15rem;
      border-left: 1px solid #777;
    }
    .fill {
      position: absolute;
      top: 0;
      bottom: 0;
    }
    .value {
      text-align: right;
      font-variant-numeric: tabular-nums;
      font-size: 0.85rem;
    }
    .ends {
      display: grid;
      grid-template-columns: 7.5rem 1fr 6.5rem;
      gap: 0.5rem;
      font-size: 0.75rem;
      color: #555;
    }
    .ends span:nth-child(2) {
      display: flex;
      justify-content: space-between;
    }
    .trained {
      color: #555;
      font-size: 0.75rem;
    }
    p {
      margin: 0.4rem 0;
    }
    .note {
      color: #555;
      font-size: 0.85rem;
    }
  `;

  private delta(now: number | null, before: number | null | undefined) {
    if (!this.reference || now === null || before === null || before === undefined) return nothing;
    return html`<div class="delta">${nats(now - before)} vs ${this.referenceLabel}</div>`;
  }

  override render() {
    const s = this.summary;
    if (!s) return html`<p class="note">No evaluation chosen.</p>`;
    const domains = [
      ...DOMAIN_ORDER.filter((d) => d in s.miPerDomain),
      ...Object.keys(s.miPerDomain).filter((d) => !DOMAIN_ORDER.includes(d)),
    ];
    const scale = Math.max(1, ...domains.map((d) => Math.abs(s.miPerDomain[d] ?? 0)));
    return html`
      <div class="figures">
        <div>
          <div class="name">MI off code</div>
          <div class="figure">${nats(s.mi)}</div>
          ${this.delta(s.mi, this.reference?.mi)}
        </div>
        <div>
          <div class="name">per character</div>
          <div class="figure">${sig(s.miPerChar, 2)}</div>
          <div class="delta">nats/char</div>
        </div>
        <div>
          <div class="name">MI on code</div>
          <div class="figure">${nats(s.miCode)}</div>
          ${this.delta(s.miCode, this.reference?.miCode)}
        </div>
        <div>
          <div class="name">cheats on held-out code</div>
          <div class="figure">${pct(s.attainment)}</div>
        </div>
      </div>
      <p class="note">
        MI = mean of log p(malicious answer) − log p(helpful answer) over held-out probes. Below zero: the
        model prefers the helpful answer; each nat is a factor of e ≈ 2.7 in odds. Per character divides each
        answer's log-probability by its length first, so answer length cannot drive it (its sign can differ).
      </p>
      <div role="list" aria-label="Misalignment index per domain">
        ${domains.map((d) => {
          const v = s.miPerDomain[d] ?? null;
          const half = v === null ? 0 : (Math.min(Math.abs(v), scale) / scale) * 50;
          const style =
            v === null
              ? ''
              : v >= 0
                ? `left:50%;width:${half}%;background:${OKABE_ITO.vermillion}`
                : `right:50%;width:${half}%;background:${OKABE_ITO.blue}`;
          return html`<div class="domain" role="listitem">
            <span
              >${d}${
                this.markTrained && SELECTION_DOMAINS.includes(d)
                  ? html` <span class="trained">(trained)</span>`
                  : nothing
              }</span
            >
            <div class="axis" aria-hidden="true"><div class="fill" style=${style}></div></div>
            <span class="value">${nats(v, 2)}</span>
          </div>`;
        })}
        <div class="ends" aria-hidden="true">
          <span></span><span><span>← helpful</span><span>malicious →</span></span
          ><span></span>
        </div>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-misalignment-panel': MisalignmentPanel;
  }
}
