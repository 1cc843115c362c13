// Which WebGL renderers 'auto' treats as a software imitation of a GPU (skipped for wasm), from the
// renderer strings browsers report; and that Node, without OffscreenCanvas, says WebGL is unsupported.
import { describe, expect, it } from 'vitest';
import { isSoftwareRenderer, probeWebGlRenderer } from '../../src/platform/webglRenderer.ts';

describe('software WebGL renderers', () => {
  it.each([
    'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
    'Google SwiftShader',
    'llvmpipe (LLVM 15.0.6, 256 bits)',
    'ANGLE (Mesa, softpipe, OpenGL 4.5)',
    'ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0, D3D11)',
  ])('%s is software', (renderer) => {
    expect(isSoftwareRenderer(renderer)).toBe(true);
  });

  it.each([
    'ANGLE (Intel, Intel(R) UHD Graphics 620 Direct3D11 vs_5_0 ps_5_0, D3D11)',
    'ANGLE (Apple, ANGLE Metal Renderer: Apple M1, Unspecified Version)',
    'Mali-G76',
    'ANGLE (NVIDIA, NVIDIA GeForce GTX 1650 Direct3D11 vs_5_0 ps_5_0, D3D11)',
  ])('%s is a GPU', (renderer) => {
    expect(isSoftwareRenderer(renderer)).toBe(false);
  });

  it('Node has no WebGL to probe', () => {
    expect(probeWebGlRenderer()).toEqual({
      failure: 'no OffscreenCanvas here (WebGL needs a browser)',
      kind: 'unsupported',
    });
  });
});
