// Small, synchronous, platform-independent hashes: to seed generators and to fingerprint generated
// text (corpus hashes that must agree between Node and the browser). Not cryptographic.

/** 32-bit hash of a string (murmur-style mixing of UTF-16 code units). */
export function hashString32(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** 64-bit fingerprint of a string as 16 hex digits (two independent 32-bit lanes). */
export function fingerprint(text: string): string {
  const hi = hashString32(text, 0x1b873593);
  const lo = hashString32(text, 0xcc9e2d51);
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

/** 64-bit fingerprint of raw bytes, for checkpoint integrity. */
export function fingerprintBytes(bytes: Uint8Array): string {
  let h1 = 0x811c9dc5 >>> 0;
  let h2 = 0x01000193 >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    h1 = Math.imul(h1 ^ b, 0x01000193);
    h2 = Math.imul(h2 ^ b, 0x5bd1e995);
    h2 ^= h2 >>> 13;
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b) >>> 0;
  h2 = Math.imul(h2 ^ (h2 >>> 15), 0xc2b2ae35) >>> 0;
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}
