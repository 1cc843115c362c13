// Lets the wasm backend's threaded build run from a minified bundle (the built app). Imported only in
// browsers, before the wasm backend first starts.
//
// Why: each emscripten pthread worker loads the module's main script, which tfjs hands it as a Blob of
// `wasmFactoryThreadedSimd.toString()`. In a minified bundle that function refers to variables of the
// closure it was cut out of (the minifier renamed emscripten's `_scriptDir` to `e` and dropped its
// `typeof` guard), so every pthread died with "e is not defined" and the engine worker with it.
// The fix: the pthread workers load the package's own, unminified main script instead. tfjs creates each
// pthread worker from a Blob of the package's worker script, through URL.createObjectURL; that Blob is
// answered with the same script, prefixed so that the main-script Blob it receives resolves to the
// package's file (as wasmThreads.ts does for Node's worker_threads).
import threadedMainScript from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js?raw';

let installed = false;

/**
 * The first line of every pthread worker script: its main-script lookup answers `mainScriptUrl`. The
 * worker revokes the URL it made for the main script once loaded: a no-op here, so that every later
 * pthread finds the shared URL alive. It restates the script's "use strict", which stops being its
 * directive once a line comes before it.
 */
export function pthreadWorkerPrefix(mainScriptUrl: string): string {
  return `"use strict"; URL.createObjectURL = () => ${JSON.stringify(mainScriptUrl)}; URL.revokeObjectURL = () => {};\n`;
}

/**
 * From now on, a Blob of type application/javascript (tfjs makes one for each pthread worker, of the
 * package's worker script; nothing else in the engine does) gets the URL of the same script with the
 * prefix above; every other Blob is untouched. emscripten makes pthread workers at start (a pool of 8)
 * and later on demand, so the patch stays.
 */
export function installWasmPthreadScript(): void {
  if (installed) return;
  installed = true;
  const createObjectURL = URL.createObjectURL.bind(URL);
  const mainScriptUrl = createObjectURL(new Blob([threadedMainScript], { type: 'text/javascript' }));
  const prefix = pthreadWorkerPrefix(mainScriptUrl);
  URL.createObjectURL = (object: Blob | MediaSource) =>
    object instanceof Blob && object.type === 'application/javascript'
      ? createObjectURL(new Blob([prefix, object], { type: object.type }))
      : createObjectURL(object);
}
