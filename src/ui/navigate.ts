// Moving a student to where a guided lab's step happens: the view, and on it the control the step names,
// scrolled into view and focused (so keyboard and screen-reader users land where the step says, and focus
// never drops to the page's start). Views are lit components with open shadow roots, searched through.
import type { LabViewId } from '../experiment/guidedLabs.ts';

/** What a `pl-navigate` event asks for: a view and, when the step presses one, the control's name. */
export interface NavigateDetail {
  view: LabViewId;
  control: string | null;
}

/** The views' names as their tabs show them. */
export const VIEW_LABELS: Readonly<Record<LabViewId, string>> = {
  labs: 'Guided labs',
  corpus: 'Corpus',
  pretrain: 'Pretrain',
  persona: 'Persona',
  finetune: 'Fine-tune',
  compare: 'Compare',
  saved: 'Saved',
};

/** A button's name as a student reads it: its aria-label, else its text, whitespace collapsed. */
function nameOf(el: Element): string {
  return (el.getAttribute('aria-label') ?? el.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** The first button named `name` under `root`, searching open shadow roots too. */
export function findControl(root: ParentNode, name: string): HTMLButtonElement | null {
  for (const el of root.querySelectorAll('*')) {
    if (el instanceof HTMLButtonElement && nameOf(el) === name) return el;
    if (el.shadowRoot) {
      const found = findControl(el.shadowRoot, name);
      if (found) return found;
    }
  }
  return null;
}

const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

/**
 * Lands on `control` inside `panel` once the view has rendered it (nested components render a few frames
 * later): scrolls it to the middle of the screen and focuses it. A control that is missing or disabled
 * (it cannot take focus) leaves the focus on the panel itself, scrolled to its top or to the control.
 */
export async function landOn(panel: HTMLElement, control: string | null): Promise<void> {
  let found: HTMLButtonElement | null = null;
  for (let frame = 0; control !== null && frame < 30 && !found; frame++) {
    found = findControl(panel, control);
    if (!found) await nextFrame();
  }
  if (found) {
    found.scrollIntoView({ block: 'center' });
    if (!found.disabled) {
      found.focus({ preventScroll: true });
      return;
    }
  } else {
    panel.scrollIntoView({ block: 'start' });
  }
  panel.focus({ preventScroll: true });
}
