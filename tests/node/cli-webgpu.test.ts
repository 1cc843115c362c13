// `--backend webgpu` in the command line: where Dawn finds no adapter, the CLI says so with the reason
// and falls back to wasm, as the browser does, and the process still exits on its own; with SwiftShader
// (Debian's Chromium) it runs on webgpu. The shaders' numbers are checked in parity-nodeWebgpu.test.ts.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nodeBackendArg, startBackend } from '../../src/cli/cliBackend.ts';
import { SWIFTSHADER_ICD } from '../../src/platform/nodeWebGpu.ts';

const BASE = 'public/models/classroom-base.ckpt';
// A driver manifest that does not exist: the Vulkan loader then offers Dawn no GPU on any machine.
const NO_DRIVER = '/nonexistent/persona-lab-no-icd.json';

function sample(icd: string) {
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'sample',
      BASE,
      '--prompt',
      'U: hi',
      '--max-chars',
      '3',
      '--backend',
      'webgpu',
    ],
    { encoding: 'utf8', timeout: 300_000, env: { ...process.env, VK_ICD_FILENAMES: icd } },
  );
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

describe('--backend webgpu in Node', () => {
  it('is an accepted choice, and a junk one names all four', () => {
    expect(nodeBackendArg('webgpu')).toBe('webgpu');
    expect(() => nodeBackendArg('gpu')).toThrow(
      /--backend must be auto, wasm, cpu or webgpu in Node, got "gpu"/,
    );
  });

  it('without an adapter, says why and runs on wasm', async () => {
    process.env.VK_ICD_FILENAMES = NO_DRIVER;
    const notices: string[] = [];
    const backend = await startBackend('webgpu', (line) => notices.push(line));
    expect(backend).toBe('wasm');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/webgpu could not start: no adapter \(Dawn found no GPU/);
    expect(notices[0]).toContain(`VK_ICD_FILENAMES=${NO_DRIVER} gave none`);
    expect(notices[0]).toMatch(/running on wasm instead$/);
  });

  it('the CLI prints the fallback, finishes its work and exits by itself', () => {
    const r = sample(NO_DRIVER);
    expect(r.signal, r.stderr).toBeNull();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/webgpu could not start: no adapter.*running on wasm instead/);
    expect(r.stdout.length).toBeGreaterThan(0);
  });

  it.skipIf(!existsSync(SWIFTSHADER_ICD))('on SwiftShader the CLI runs on webgpu and exits by itself', () => {
    const r = sample(SWIFTSHADER_ICD);
    expect(r.signal, r.stderr).toBeNull();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/could not start/);
    expect(r.stdout.length).toBeGreaterThan(0);
  });
});
