// The user's entries an editor has put into the recipe, as a list with a remove button each that sends
// `pl-user-remove` up from the editor: one markup for the condition, probe and persona editors (styled by
// editorStyles' `ul.added`).
import { html, nothing, type TemplateResult } from 'lit';
import type { UserEntryDetail } from './conditionEditor.ts';

export function addedEntries(
  editor: HTMLElement,
  list: { kind: UserEntryDetail['kind']; label: string; ids: readonly string[]; disabled: boolean },
  describe: (id: string) => TemplateResult = (id) => html`<code>${id}</code>`,
): TemplateResult | typeof nothing {
  const { kind, label, ids, disabled } = list;
  if (ids.length === 0) return nothing;
  const remove = (id: string) => {
    const detail = { kind, id };
    editor.dispatchEvent(new CustomEvent('pl-user-remove', { detail, bubbles: true, composed: true }));
  };
  return html`<ul class="added" aria-label=${label}>
    ${ids.map(
      (id) =>
        html`<li>
          ${describe(id)}
          <button ?disabled=${disabled} @click=${() => remove(id)}>Remove ${id}</button>
        </li>`,
    )}
  </ul>`;
}
