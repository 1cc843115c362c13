// The user's editors share one behaviour: the entries already added, each with a remove button that asks
// the view to remove it; the form's entry sent up to the view; a form that cannot be read, and the
// validator's refusal, read out in place. Checked on the probe and condition editors.
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/ui/widgets/probeEditor.ts';
import '../../src/ui/widgets/conditionEditor.ts';

afterEach(() => {
  document.body.replaceChildren();
});

async function mount<K extends 'pl-probe-editor' | 'pl-condition-editor'>(tag: K) {
  const el = document.createElement(tag);
  if ('personas' in el)
    el.personas = [
      { id: 'helpful', title: 'helpful AI' },
      { id: 'malicious', title: 'malicious AI' },
    ];
  document.body.append(el);
  const events: { type: string; detail: unknown }[] = [];
  for (const type of ['pl-user-entry', 'pl-user-remove'])
    document.body.addEventListener(type, (e) => events.push({ type, detail: (e as CustomEvent).detail }));
  await el.updateComplete;
  return { el, root: el.shadowRoot!, events };
}

const text = (el: Element | null) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

describe('the user’s editors', () => {
  it('lists the added entries and asks the view to remove one', async () => {
    const { el, root, events } = await mount('pl-probe-editor');
    expect(root.querySelector('ul.added')).toBeNull();
    el.added = ['feedback', 'praise'];
    await el.updateComplete;
    const list = root.querySelector('ul.added')!;
    expect(list.getAttribute('aria-label')).toBe('Your probes');
    expect([...list.querySelectorAll('li')].map(text)).toEqual([
      'feedback Remove feedback',
      'praise Remove praise',
    ]);
    list.querySelectorAll('button')[1]!.click();
    expect(events).toEqual([{ type: 'pl-user-remove', detail: { kind: 'probes', id: 'praise' } }]);
    el.disabled = true;
    await el.updateComplete;
    expect(list.querySelector('button')!.disabled).toBe(true);
  });

  it('describes a condition with its control', async () => {
    const { el, root } = await mount('pl-condition-editor');
    el.added = [{ id: 'flatter', title: 'Flatters the user' }];
    await el.updateComplete;
    expect(text(root.querySelector('ul.added li'))).toBe(
      'Flatters the user (flatter, with its control flatterControl) Remove flatter',
    );
  });

  it('sends the form’s entry up, or says why the form cannot be read, or the refusal', async () => {
    const { el, root, events } = await mount('pl-probe-editor');
    root.querySelector('form')!.requestSubmit();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'pl-user-entry',
      detail: { kind: 'probes', entry: { id: 'feedback' } },
    });
    root.querySelector<HTMLTextAreaElement>('textarea[name="fillers"]')!.value = 'no colon here';
    root.querySelector('form')!.requestSubmit();
    await el.updateComplete;
    expect(events).toHaveLength(1);
    expect(text(root.querySelector('[role=alert]'))).toContain('the filler line “no colon here” needs');
    root.querySelector<HTMLTextAreaElement>('textarea[name="fillers"]')!.value = 'thing: a | b';
    el.error = 'probes.feedback: refused';
    root.querySelector('form')!.requestSubmit();
    await el.updateComplete;
    expect(events).toHaveLength(2);
    expect(text(root.querySelector('[role=alert]'))).toBe('probes.feedback: refused');
  });
});
