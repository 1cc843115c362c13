// Provenance: every result and checkpoint names the commit it came from (with a dirty flag), so runs of
// different code tell apart; outside a git work tree the label says so instead of guessing.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import packageJson from '../../package.json';
import { CODE_VERSION, gitCommitLabel } from '../../src/experiment/codeVersion.ts';

describe('code version', () => {
  it('names the package version and the commit of this work tree', () => {
    const label = gitCommitLabel(process.cwd());
    expect(label).toMatch(/^[0-9a-f]{12}(\.dirty)?$/);
    expect(CODE_VERSION).toBe(`persona-lab@${packageJson.version}+git.${label}`);
  });

  it('says unknown outside a git work tree', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'persona-lab-nogit-'));
    try {
      expect(gitCommitLabel(dir)).toBe('unknown');
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
