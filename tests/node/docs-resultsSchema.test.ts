// docs/results-schema.md is rendered from the results schema (`npm run docs:schema`): the committed page
// must be what the schema gives today, so a field added to the checker cannot be missing from the doc.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RESULTS_SCHEMA_DOC, resultsSchemaDoc } from '../../scripts/resultsSchemaDoc.ts';

describe('docs/results-schema.md', () => {
  it('is the page the results schema renders (run `npm run docs:schema` after changing the schema)', async () => {
    expect(readFileSync(RESULTS_SCHEMA_DOC, 'utf8')).toBe(await resultsSchemaDoc());
  });

  it('documents every top-level field of results.json', async () => {
    const doc = await resultsSchemaDoc();
    for (const field of ['schemaVersion', 'provenance.codeVersion', 'baseline', 'direction', 'conditions'])
      expect(doc).toContain(`| \`${field}\``);
  });
});
