// SHA-256 as hex, through Web Crypto: `crypto.subtle` exists in browsers (secure contexts, workers
// included) and in Node 20 as globalThis.crypto, so one call serves the lab and the command line.

export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
