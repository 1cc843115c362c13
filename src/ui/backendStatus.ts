// <pl-backend-status>: where the engine trains, in plain words for a student (a chip that opens into
// why: "your computer has no usable GPU; training on the CPU: slower"), and, behind an "Advanced"
// disclosure for teachers, the technical report (backend, adapter, each fallback's reason) and the
// backend picker. Picking fires `backend-change` upward; the shell restarts the engine.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { BackendChoice, BackendReport } from '../../workers/contract.ts';
import { explainBackend, type BackendSpeed } from './backendExplanation.ts';

export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'];

const DOT: Record<BackendSpeed, string> = { fast: '#009e73', slower: '#e69f00', slowest: '#d55e00' };

@customElement('pl-backend-status')
export class BackendStatus extends LitElement {
  /** The engine's report; null while it starts. */
  @property({ attribute: false }) report: BackendReport | null = null;
  /** Why the engine could not start at all. */
  @property() error: string | null = null;
  /** The backend the lab asks for ('auto' lets the engine choose), until the engine reports its own. */
  @property() choice: BackendChoice = 'auto';
  /** The picker is off while a run holds the engine. */
  @property({ type: Boolean }) busy = false;

  static override styles = css`
    :host {
      position: relative;
    }
    details {
      font-size: 0.85rem;
    }
    summary {
      cursor: pointer;
      border: 1px solid #b9b9b2;
      border-radius: 999px;
      padding: 0.15rem 0.7rem;
      background: #fff;
      list-style: none;
    }
    summary:focus-visible,
    select:focus-visible {
      outline: 3px solid #0072b2;
    }
    .dot {
      display: inline-block;
      width: 0.55rem;
      height: 0.55rem;
      border-radius: 50%;
      margin-right: 0.35rem;
    }
    .panel {
      position: absolute;
      right: 0;
      z-index: 10;
      background: #fff;
      border: 1px solid #ccc;
      border-radius: 6px;
      padding: 0.6rem 0.8rem;
      width: min(28rem, 90vw);
      box-sizing: border-box;
      box-shadow: 0 4px 16px rgb(0 0 0 / 12%);
    }
    .panel p {
      margin: 0 0 0.4rem;
    }
    .advanced {
      margin-top: 0.5rem;
      border-top: 1px solid #e2e2dc;
      padding-top: 0.4rem;
    }
    .advanced summary {
      border: none;
      padding: 0;
      list-style: revert;
      color: #333;
    }
    ul {
      margin: 0.3rem 0;
      padding-left: 1.1rem;
    }
    select {
      font: inherit;
    }
  `;

  private onPick(event: Event) {
    const choice = (event.target as HTMLSelectElement).value as BackendChoice;
    this.dispatchEvent(
      new CustomEvent<BackendChoice>('backend-change', { detail: choice, bubbles: true, composed: true }),
    );
  }

  private picker() {
    const current = this.report?.choice ?? this.choice;
    return html`<label
      >Backend
      <select ?disabled=${this.busy} @change=${this.onPick}>
        ${BACKEND_CHOICES.map((b) => html`<option value=${b} ?selected=${b === current}>${b}</option>`)}
      </select></label
    >`;
  }

  private advanced(r: BackendReport | null) {
    const adapter = r?.adapter;
    return html`<details class="advanced">
      <summary>Advanced (for teachers)</summary>
      ${r ? html`<div>Running on <b>${r.backend}</b> (tfjs ${r.tfjsVersion}).</div>` : nothing}
      ${
        adapter
          ? html`<div>
              WebGPU adapter: ${adapter.vendor || '?'} / ${adapter.architecture || '?'}
              ${adapter.description ? `(${adapter.description})` : ''}${adapter.isFallbackAdapter ? ', a software fallback adapter' : ''}
            </div>`
          : nothing
      }
      ${r?.webgl ? html`<div>WebGL renderer: ${r.webgl.renderer}</div>` : nothing}
      ${
        r?.wasm
          ? html`<div>
              WASM: SIMD ${r.wasm.simd ? 'on' : 'off'}, threads
              ${r.wasm.threads ? `on (${r.wasm.threadsCount})` : 'off'}, cross-origin isolated
              ${r.wasm.crossOriginIsolated ? 'yes' : 'no'}; the lab's own kernels
              ${
                r.wasm.hostKernels.simd
                  ? `in wasm SIMD${r.wasm.hostKernels.fma ? ' with fused multiply-add' : ''}${r.wasm.hostKernels.threads > 1 ? ` on up to ${r.wasm.hostKernels.threads} threads` : ''}`
                  : `in JS (${r.wasm.hostKernels.reason})`
              }
            </div>`
          : nothing
      }
      ${
        r && r.failures.length > 0
          ? html`<div>Tried first and not used:</div>
              <ul>
                ${r.failures.map((f) => html`<li><b>${f.backend}</b> (${f.kind}): ${f.reason}</li>`)}
              </ul>`
          : nothing
      }
      ${this.picker()}
      <p>
        <i>auto</i> picks the fastest backend that works here. A link with <code>?backend=wasm</code> (or
        another name) sets it for a class.
      </p>
    </details>`;
  }

  override render() {
    if (this.error) {
      return html`<details open>
        <summary><span class="dot" style="background:${DOT.slowest}"></span>engine failed</summary>
        <div class="panel">
          <p role="alert">The lab's engine could not start: ${this.error}</p>
          ${this.advanced(null)}
        </div>
      </details>`;
    }
    const r = this.report;
    if (!r) {
      return html`<details>
        <summary><span class="dot" style="background:#999"></span>starting engine…</summary>
        <div class="panel">${this.advanced(null)}</div>
      </details>`;
    }
    const explained = explainBackend(r);
    return html`<details>
      <summary>
        <span class="dot" style="background:${DOT[explained.speed]}"></span>Trains on: ${explained.short}
      </summary>
      <div class="panel">
        <p role="status">${explained.headline}</p>
        ${explained.notes.map((note) => html`<p>${note}</p>`)} ${this.advanced(r)}
      </div>
    </details>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-backend-status': BackendStatus;
  }
  interface HTMLElementEventMap {
    'backend-change': CustomEvent<BackendChoice>;
  }
}
