// Prints vitest's totals as one plain line ("Tests: N passed, N failed") for CI logs.
import { readFileSync } from 'node:fs';

const results = JSON.parse(readFileSync('.vitest-results.json', 'utf8'));
const skipped = results.numPendingTests + results.numTodoTests;
console.log(`Tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`);
process.exit(results.numFailedTests > 0 || results.numPassedTests === 0 ? 1 : 0);
