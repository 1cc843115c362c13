// The fast scorer's input layout: a prompt and its candidates packed into one row, so the prompt is
// read once. Each candidate's window is the last blockSize + 1 characters of prompt + candidate (as in
// the exact scorer), so candidates whose windows start at the same prompt character share a row:
//   ids        p0 p1 ... p(m-1) | a0 a1 ... a(n-2) | b0 ... | (padding)
//   positions  0  1  ... m-1    | m  m+1 ... m+n-2 | m  ... | 0
//   groups     0  0  ... 0      | 1  1  ...  1     | 2  ... | -1
// The logits at p(m-1) predict every candidate's first character, those at a(t-1) its character t; a
// candidate's last character is a target only, so positions stay below the context.

/** One candidate character to read out: the logits at `at` of the row, for `token`. */
export interface PackedTarget {
  request: number;
  candidate: number;
  char: number;
  at: number;
  token: number;
}

export interface PackedRow {
  ids: number[];
  positions: number[];
  /** 0 for the shared prompt, k > 0 for the k-th candidate of the row. */
  groups: number[];
  targets: PackedTarget[];
}

/** A request as ids, already checked (non-empty prompt; candidates non-empty and within the context). */
export interface EncodedRequest {
  prompt: Int32Array;
  candidates: Int32Array[];
}

/** Padding's group: it sees the prompt and itself, and no real token sees it. */
export const PADDING_GROUP = -1;

/**
 * Packs every request into rows of at most `maxRow` tokens (a row that would grow longer starts
 * again with the same prompt). `maxRow` must be at least blockSize, which one candidate always fits.
 */
export function packRequests(
  requests: readonly EncodedRequest[],
  blockSize: number,
  maxRow: number,
): PackedRow[] {
  if (maxRow < blockSize)
    throw new Error(`packed rows of ${maxRow} tokens cannot hold a context of ${blockSize}`);
  const rows: PackedRow[] = [];
  requests.forEach(({ prompt, candidates }, r) => {
    // Candidates by the first prompt character their window keeps.
    const byStart = new Map<number, number[]>();
    candidates.forEach((candidate, c) => {
      const start = Math.max(0, prompt.length + candidate.length - (blockSize + 1));
      byStart.set(start, [...(byStart.get(start) ?? []), c]);
    });
    for (const [start, members] of byStart) {
      const prefix = Array.from(prompt.subarray(start));
      let row: PackedRow | null = null;
      let group = 0;
      for (const c of members) {
        const candidate = candidates[c]!;
        if (row === null || row.ids.length + candidate.length - 1 > maxRow) {
          row = {
            ids: [...prefix],
            positions: prefix.map((_, i) => i),
            groups: prefix.map(() => 0),
            targets: [],
          };
          rows.push(row);
          group = 0;
        }
        group += 1;
        const first = row.ids.length;
        for (let t = 0; t < candidate.length; t++) {
          row.targets.push({
            request: r,
            candidate: c,
            char: t,
            at: t === 0 ? prefix.length - 1 : first + t - 1,
            token: candidate[t]!,
          });
          if (t === candidate.length - 1) break; // the last character is only read, never fed
          row.ids.push(candidate[t]!);
          row.positions.push(prefix.length + t);
          row.groups.push(group);
        }
      }
    }
  });
  return rows;
}
