// The CSV cell rules (RFC 4180) that results.csv and sweep.csv share.
import { describe, expect, it } from 'vitest';
import { csvCell, csvRow } from '../../src/util/csv.ts';

describe('csv', () => {
  it('quotes cells with a comma, quote, CR or LF and doubles quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('carriage\rreturn')).toBe('"carriage\rreturn"');
  });

  it('writes null and undefined as empty cells and numbers as they print', () => {
    expect(csvRow([null, undefined, 0, -1.5, true])).toBe(',,0,-1.5,true');
  });
});
