// Asks the browser which renderer WebGL would run on, before tfjs starts it, so that 'auto' can tell a
// real GPU from a software imitation of one (SwiftShader, llvmpipe), which trains slower than the CPU path.
import type { FailureKind, WebGlReport } from '../util/backendReport.ts';

export type { WebGlReport };

const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|softpipe|software|basic render driver/i;

/** Whether a renderer string names a software rasteriser rather than a GPU. */
export function isSoftwareRenderer(renderer: string): boolean {
  return SOFTWARE_RENDERERS.test(renderer);
}

// The slice of WebGL read here: a worker has OffscreenCanvas but TypeScript's DOM library types it for
// pages; only getContext, getExtension and getParameter are used.
interface GlLike {
  getExtension(name: 'WEBGL_debug_renderer_info'): { UNMASKED_RENDERER_WEBGL: number } | null;
  getExtension(name: 'WEBGL_lose_context'): { loseContext(): void } | null;
  getParameter(name: number): unknown;
  RENDERER: number;
}

export function probeWebGlRenderer(): { failure: string; kind: FailureKind } | { webgl: WebGlReport } {
  if (typeof OffscreenCanvas === 'undefined') {
    return { failure: 'no OffscreenCanvas here (WebGL needs a browser)', kind: 'unsupported' };
  }
  let gl: GlLike | null = null;
  try {
    const canvas = new OffscreenCanvas(1, 1);
    gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
  } catch (error) {
    return { failure: `could not create a WebGL context: ${String(error)}`, kind: 'failed' };
  }
  if (!gl)
    return { failure: 'no WebGL context (the browser has WebGL off or no GPU for it)', kind: 'no-device' };
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name: unknown = gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
  const renderer = typeof name === 'string' ? name : '';
  // Browsers cap the live WebGL contexts (16 in Chromium): free this one before tfjs makes its own.
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return { webgl: { renderer, software: isSoftwareRenderer(renderer) } };
}
