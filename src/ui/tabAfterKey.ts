// Which tab a key moves to in the lab's tab bar, after the WAI-ARIA tabs pattern: ArrowRight and
// ArrowLeft step along (wrapping at the ends), Home and End jump to the first and the last tab. Pure, so
// the keyboard map is tested without a browser.

/** The index of the tab `key` selects from tab `index` of `count`, or null when the key is not one of these. */
export function tabAfterKey(index: number, key: string, count: number): number | null {
  if (count <= 0) return null;
  const from = Math.min(Math.max(index, 0), count - 1);
  switch (key) {
    case 'ArrowRight':
      return (from + 1) % count;
    case 'ArrowLeft':
      return (from - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}
