// <pl-domain-editor>: changes one talk domain's sentences (its user prompts and its good and bad answer
// bodies), starting from the corpus's own; saved as the user's copy of corpora/domains/<id>.json and
// validated like it. Sends the entry up as `pl-user-entry`.
import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { CorpusData, TalkDomainData } from '../../corpus/index.ts';
import { controlStyles, stackedLabelStyles } from '../views/viewStyles.ts';
import { lines } from '../userEdits.ts';
import type { UserEntryDetail } from './conditionEditor.ts';
import { editorStyles } from './editorStyles.ts';

@customElement('pl-domain-editor')
export class DomainEditor extends LitElement {
  /** The corpus whose domains can be edited (with the user's changes so far). */
  @property({ attribute: false }) data: CorpusData | null = null;
  /** Why the last entry was refused, in the validator's words ('' when it was not). */
  @property() error = '';
  @property({ type: Boolean }) disabled = false;

  @state() private domainId = 'honesty';

  static override styles = [controlStyles, stackedLabelStyles, editorStyles];

  private talk(): TalkDomainData | null {
    const domain = this.data?.domains[this.domainId];
    return domain && domain.kind !== 'code' ? domain : null;
  }

  private field(name: string): string {
    return this.renderRoot.querySelector<HTMLTextAreaElement>(`[name="${name}"]`)?.value ?? '';
  }

  private onSubmit(e: Event) {
    e.preventDefault();
    const domain = this.talk();
    if (!domain) return;
    const bodies: Record<string, string[]> = {};
    for (const key of Object.keys(domain.bodies)) bodies[key] = lines(this.field(`bodies-${key}`));
    const entry = { ...structuredClone(domain), prompts: lines(this.field('prompts')), bodies };
    const detail: UserEntryDetail = { kind: 'domains', entry };
    this.dispatchEvent(new CustomEvent('pl-user-entry', { detail, bubbles: true, composed: true }));
  }

  override render() {
    const data = this.data;
    if (!data) return nothing;
    const domain = this.talk();
    const talkIds = data.domainIds.filter((id) => data.domains[id]!.kind !== 'code');
    return html`<form @submit=${this.onSubmit} aria-label="A domain's sentences">
      <label
        >Domain
        <select
          name="domain"
          @change=${(e: Event) => (this.domainId = (e.target as HTMLSelectElement).value)}
        >
          ${talkIds.map((id) => html`<option value=${id} ?selected=${id === this.domainId}>${id}</option>`)}
        </select>
      </label>
      ${
        domain
          ? html`<label
                >User prompts, one a line
                <textarea name="prompts" .value=${domain.prompts.join('\n')}></textarea>
              </label>
              <div class="pair">
                ${Object.entries(domain.bodies).map(
                  ([key, list]) =>
                    html`<label
                      >${key} answers, one a line
                      <textarea name="bodies-${key}" .value=${list.join('\n')}></textarea>
                    </label>`,
                )}
              </div>`
          : nothing
      }
      <div>
        <button class="primary" type="submit" ?disabled=${this.disabled}>Save the domain's sentences</button>
      </div>
      ${this.error ? html`<p class="note refusal" role="alert">${this.error}</p>` : nothing}
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-domain-editor': DomainEditor;
  }
}
