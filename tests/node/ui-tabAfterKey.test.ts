// The tab bar's keyboard map (WAI-ARIA tabs): arrows step and wrap, Home and End jump, other keys pass.
import { describe, expect, it } from 'vitest';
import { tabAfterKey } from '../../src/ui/tabAfterKey.ts';

describe('tabAfterKey', () => {
  it('steps with the arrows and wraps at both ends', () => {
    expect(tabAfterKey(2, 'ArrowRight', 7)).toBe(3);
    expect(tabAfterKey(6, 'ArrowRight', 7)).toBe(0);
    expect(tabAfterKey(2, 'ArrowLeft', 7)).toBe(1);
    expect(tabAfterKey(0, 'ArrowLeft', 7)).toBe(6);
  });

  it('jumps to the first tab with Home and the last with End', () => {
    expect(tabAfterKey(4, 'Home', 7)).toBe(0);
    expect(tabAfterKey(1, 'End', 7)).toBe(6);
  });

  it('ignores every other key, so Tab, Enter and Space keep their own meaning', () => {
    for (const key of ['Tab', 'Enter', ' ', 'ArrowUp', 'ArrowDown', 'a'])
      expect(tabAfterKey(3, key, 7)).toBeNull();
  });

  it('starts from the first tab when none is selected, and has nowhere to go without tabs', () => {
    expect(tabAfterKey(-1, 'ArrowRight', 7)).toBe(1);
    expect(tabAfterKey(-1, 'ArrowLeft', 7)).toBe(6);
    expect(tabAfterKey(0, 'End', 0)).toBeNull();
  });
});
