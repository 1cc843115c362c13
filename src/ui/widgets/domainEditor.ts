// <pl-domain-editor>: changes one talk domain's sentences (its user prompts and its good and bad answer
// bodies), starting from the corpus's own; saved as the user's copy of corpora/domains/<id>.json and
// validated like it. Sends the entry up as `pl-user-entry`.
import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { CorpusData, TalkDomainData } from '../../corpus/index.ts';
import { lines } from '../userEdits.ts';
import { UserEntryEditor } from './userEntryEditor.ts';

@customElement('pl-domain-editor')
export class DomainEditor extends UserEntryEditor {
  /** The corpus whose domains can be edited (with the user's changes so far). */
  @property({ attribute: false }) data: CorpusData | null = null;

  @state() private domainId = 'honesty';

  private talk(): TalkDomainData | null {
    const domain = this.data?.domains[this.domainId];
    return domain && domain.kind !== 'code' ? domain : null;
  }

  private onSubmit(e: Event) {
    this.send(e, 'domains', () => {
      const domain = this.talk();
      if (!domain) return null;
      const bodies: Record<string, string[]> = {};
      for (const key of Object.keys(domain.bodies)) bodies[key] = lines(this.field(`bodies-${key}`));
      return { ...structuredClone(domain), prompts: lines(this.field('prompts')), bodies };
    });
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
      ${this.refusal()}
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pl-domain-editor': DomainEditor;
  }
}
