// What the user's editors (condition, probes, persona, domain sentences) share: the refusal the view hands
// back and the lock, the form's fields by name, the entry sent up as `pl-user-entry` (a form that cannot
// be read shows its problem here, before any validation), the list of entries already added with a
// remove button each (`pl-user-remove`), and editorStyles' look.
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { controlStyles, stackedLabelStyles } from '../views/viewStyles.ts';
import { editorStyles } from './editorStyles.ts';

export interface UserEntryDetail {
  kind: 'conditions' | 'probes' | 'personas' | 'domains' | 'voices';
  entry: object;
}

export abstract class UserEntryEditor extends LitElement {
  /** Why the last entry was refused, in the validator's words ('' when it was not). */
  @property() error = '';
  /** No changes while a run is going or when a teacher's link locks the settings. */
  @property({ type: Boolean }) disabled = false;

  /** Why the form could not be read (a filler or pair line the parser refused), '' when it could. */
  @state() protected parseError = '';

  static override styles = [controlStyles, stackedLabelStyles, editorStyles];

  protected field(name: string): string {
    type Field = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
    return this.renderRoot.querySelector<Field>(`[name="${name}"]`)?.value ?? '';
  }

  /** Sends up the entry `read` takes off the form (nothing when it gives null). */
  protected send(event: Event, kind: UserEntryDetail['kind'], read: () => object | null): void {
    event.preventDefault();
    this.parseError = '';
    try {
      const entry = read();
      if (entry === null) return;
      const detail: UserEntryDetail = { kind, entry };
      this.dispatchEvent(new CustomEvent('pl-user-entry', { detail, bubbles: true, composed: true }));
    } catch (error) {
      this.parseError = error instanceof Error ? error.message : String(error);
    }
  }

  /** The entries of `kind` already in the recipe, labelled `label`, each described and removable. */
  protected addedList(
    kind: UserEntryDetail['kind'],
    label: string,
    ids: readonly string[],
    describe: (id: string) => TemplateResult = (id) => html`<code>${id}</code>`,
  ): TemplateResult | typeof nothing {
    if (ids.length === 0) return nothing;
    const remove = (id: string) => {
      const detail = { kind, id };
      this.dispatchEvent(new CustomEvent('pl-user-remove', { detail, bubbles: true, composed: true }));
    };
    return html`<ul class="added" aria-label=${label}>
      ${ids.map(
        (id) =>
          html`<li>
            ${describe(id)}
            <button ?disabled=${this.disabled} @click=${() => remove(id)}>Remove ${id}</button>
          </li>`,
      )}
    </ul>`;
  }

  /** The form's problem or the validator's refusal, read out when it appears. */
  protected refusal(): TemplateResult | typeof nothing {
    const problem = this.parseError || this.error;
    return problem ? html`<p class="note refusal" role="alert">${problem}</p>` : nothing;
  }
}
