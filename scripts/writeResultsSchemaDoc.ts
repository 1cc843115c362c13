// Writes docs/results-schema.md from the results schema (`npm run docs:schema`).
import { writeFileSync } from 'node:fs';
import { RESULTS_SCHEMA_DOC, resultsSchemaDoc } from './resultsSchemaDoc.ts';

writeFileSync(RESULTS_SCHEMA_DOC, await resultsSchemaDoc());
console.log(`wrote ${RESULTS_SCHEMA_DOC}`);
