// Small page settings kept in this browser's localStorage (a student's lab notes, the step each guided lab
// is at, whether the introduction was read, the run a reload comes back to); runs and checkpoints are the
// worker's, in IndexedDB. localStorage can be missing or refuse (private mode, a full store, Node):
// values then live only as long as the page.

const PREFIX = 'persona-lab:';

export function loadLocal<T>(key: string, fallback: T): T {
  try {
    const text = globalThis.localStorage?.getItem(PREFIX + key);
    return text === null || text === undefined ? fallback : (JSON.parse(text) as T);
  } catch {
    return fallback;
  }
}

export function saveLocal(key: string, value: unknown): void {
  try {
    globalThis.localStorage?.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    // Not saved: the value stays on the page.
  }
}
