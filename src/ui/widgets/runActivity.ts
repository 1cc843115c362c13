// <pl-run-activity>: one line, announced politely, saying what the run is doing right now (which stage or
// branch, the step, which evaluation of how many), so a class sees within seconds that work is going on.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { LabState } from '../labState.ts';
import { activityLine } from '../activityLine.ts';

@customElement('pl-run-activity')
export class RunActivityLine extends LitElement {
  /** The lab state whose run is described. */
  @property({ attribute: false }) state: Pick<LabState, 'status' | 'activity'> | null = null;

  static override styles = css`
    :host {
      display: block;
    }
    p {
      margin: 0.3rem 0;
      font-size: 0.9rem;
      color: #1d1d1f;
    }
  `;

  override render() {
    const line = this.state ? activityLine(this.state) : null;
    return html`<p role="status" data-testid="run-activity">${line ?? nothing}</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-run-activity': RunActivityLine;
  }
}
