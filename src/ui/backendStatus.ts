// <pl-backend-status>: which backend the engine runs on (the WebGPU adapter, or the fallback and why
// each faster backend failed), as a compact badge that expands into the details.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { BackendReport } from '../../workers/contract.ts';

@customElement('pl-backend-status')
export class BackendStatus extends LitElement {
  /** The engine's report; null while it starts. */
  @property({ attribute: false }) report: BackendReport | null = null;
  /** Why the engine could not start at all. */
  @property() error: string | null = null;

  static override styles = css`
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
    summary:focus-visible {
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
      z-index: 10;
      background: #fff;
      border: 1px solid #ccc;
      border-radius: 6px;
      padding: 0.6rem 0.8rem;
      max-width: 28rem;
      box-shadow: 0 4px 16px rgb(0 0 0 / 12%);
    }
    ul {
      margin: 0.3rem 0 0;
      padding-left: 1.1rem;
    }
  `;

  override render() {
    if (this.error) {
      return html`<details open>
        <summary><span class="dot" style="background:#d55e00"></span>engine failed</summary>
        <div class="panel" role="alert">${this.error}</div>
      </details>`;
    }
    const r = this.report;
    if (!r)
      return html`<details>
        <summary><span class="dot" style="background:#999"></span>starting engine…</summary>
      </details>`;
    const adapter = r.adapter;
    const fast = r.backend === 'webgpu' && adapter && !adapter.isFallbackAdapter;
    return html`<details>
      <summary aria-label="Backend: ${r.backend}. Show details">
        <span class="dot" style="background:${fast ? '#009e73' : '#e69f00'}"></span>${r.backend}${
          adapter ? ` · ${adapter.vendor || 'unknown vendor'} ${adapter.architecture}` : ''
        }
      </summary>
      <div class="panel">
        <div>Running on <b>${r.backend}</b>.</div>
        ${
          adapter
            ? html`<div>
                Adapter: ${adapter.vendor || '?'} / ${adapter.architecture || '?'}
                ${adapter.description ? `(${adapter.description})` : ''}${
                  adapter.isFallbackAdapter ? ' — a software fallback adapter: expect slow training' : ''
                }
              </div>`
            : nothing
        }
        ${
          r.wasm
            ? html`<div>
                WASM: SIMD ${r.wasm.simd ? 'on' : 'off'}, threads ${r.wasm.threads ? 'on' : 'off'}
              </div>`
            : nothing
        }
        ${
          r.failures.length > 0
            ? html`<div>Faster backends that were not used:</div>
                <ul>
                  ${r.failures.map((f) => html`<li><b>${f.backend}</b>: ${f.reason}</li>`)}
                </ul>`
            : nothing
        }
      </div>
    </details>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-backend-status': BackendStatus;
  }
}
