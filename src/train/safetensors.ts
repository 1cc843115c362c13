// The safetensors layout (huggingface.co/docs/safetensors), float32 tensors only: an unsigned 64-bit
// little-endian header length N, N bytes of UTF-8 JSON ({"__metadata__": {string: string}, and per
// tensor {"dtype", "shape", "data_offsets"}}) padded with spaces, then the tensors' bytes back to back.
// Reading checks the whole layout (lengths, dtypes, shapes against byte ranges, ranges contiguous and
// covering the data) before anything is copied, so a forged header cannot make the reader allocate more
// than the file's own size; every refusal is a CheckpointError.
import { refuse } from './checkpointError.ts';

export interface TensorToWrite {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** Where one tensor's bytes lie, relative to the start of the data section. */
export interface TensorSlot {
  shape: number[];
  begin: number;
  end: number;
}

export interface SafetensorsLayout {
  metadata: Map<string, string>;
  tensors: Map<string, TensorSlot>;
  /** Byte offset of the data section in the file (8 + header length). */
  dataStart: number;
}

const LENGTH_BYTES = 8;
/** Data offsets in the spec are byte offsets; float32 is the only dtype the lab writes or reads. */
const F32_BYTES = 4;
/** Python's reader refuses headers over 100 MB; so does this one, before decoding any of it. */
const MAX_HEADER_BYTES = 100_000_000;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Writes metadata (in the given key order, first key first) and tensors in order. */
export function encodeSafetensors(
  metadata: [string, string][],
  tensors: TensorToWrite[],
): Uint8Array<ArrayBuffer> {
  const header: Record<string, unknown> = { __metadata__: Object.fromEntries(metadata) };
  let offset = 0;
  for (const { name, shape, values } of tensors) {
    if (values.length !== shape.reduce((a, b) => a * b, 1)) {
      throw new Error(
        `safetensors: tensor ${name} has ${values.length} values for shape [${shape.join(',')}]`,
      );
    }
    const end = offset + values.length * F32_BYTES;
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, end] };
    offset = end;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  // Pad with spaces (the spec allows trailing 0x20) so the data starts 8-byte aligned.
  const headerLength = Math.ceil((LENGTH_BYTES + json.length) / 8) * 8 - LENGTH_BYTES;
  const out = new Uint8Array(LENGTH_BYTES + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength, true);
  view.setUint32(4, 0, true);
  out.set(json, LENGTH_BYTES);
  out.fill(0x20, LENGTH_BYTES + json.length, LENGTH_BYTES + headerLength);
  let at = LENGTH_BYTES + headerLength;
  for (const { values } of tensors) {
    out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), at);
    at += values.byteLength;
  }
  return out;
}

function readHeaderJson(bytes: Uint8Array): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.length < LENGTH_BYTES + 2)
    refuse(`the file is ${bytes.length} bytes: too short to be a checkpoint`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  if (high !== 0 || low > MAX_HEADER_BYTES) {
    refuse('this is not a Persona Lab checkpoint, or it is corrupt (its header length is absurd)');
  }
  if (LENGTH_BYTES + low > bytes.length) {
    refuse(`the file is truncated: its header needs ${low} bytes, ${bytes.length - LENGTH_BYTES} follow`);
  }
  if (bytes[LENGTH_BYTES] !== 0x7b)
    refuse('this is not a Persona Lab checkpoint (no header where one belongs)');
  let header: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(
      bytes.subarray(LENGTH_BYTES, LENGTH_BYTES + low),
    );
    header = JSON.parse(text);
  } catch {
    refuse('the header is not valid JSON (the file is corrupt)');
  }
  if (!isPlainObject(header)) refuse('the header is not a JSON object');
  return { header, dataStart: LENGTH_BYTES + low };
}

function readMetadata(value: unknown): Map<string, string> {
  if (value === undefined) return new Map();
  if (!isPlainObject(value)) refuse('__metadata__ must be an object of strings');
  const metadata = new Map<string, string>();
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') refuse(`__metadata__.${key} must be a string (the spec allows no other)`);
    metadata.set(key, entry);
  }
  return metadata;
}

function readSlot(name: string, value: unknown, dataBytes: number): TensorSlot {
  const label = `tensor ${JSON.stringify(name)}`;
  if (!isPlainObject(value)) refuse(`${label} is not described by an object`);
  for (const key of Object.keys(value)) {
    if (key !== 'dtype' && key !== 'shape' && key !== 'data_offsets')
      refuse(`${label} has an unknown field ${key}`);
  }
  const { dtype, shape, data_offsets: offsets } = value;
  if (dtype !== 'F32') refuse(`${label} has dtype ${JSON.stringify(dtype)}; this lab reads F32 only`);
  if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    refuse(`${label} has a malformed shape`);
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
    offsets[0] > offsets[1]
  ) {
    refuse(`${label} has malformed data_offsets`);
  }
  const [begin, end] = offsets as [number, number];
  if (end > dataBytes) refuse(`the file is truncated: ${label} ends at byte ${end} of ${dataBytes}`);
  // The product is bounded by the byte range, so it cannot overflow into a false match.
  let size = 1;
  for (const d of shape as number[]) size = Math.min(size * d, Number.MAX_SAFE_INTEGER);
  if (size * F32_BYTES !== end - begin) {
    refuse(`${label} has shape [${String(shape)}] but ${end - begin} bytes`);
  }
  return { shape: shape as number[], begin, end };
}

/** Parses and checks the header; copies nothing from the data section. */
export function readSafetensorsLayout(bytes: Uint8Array): SafetensorsLayout {
  const { header, dataStart } = readHeaderJson(bytes);
  const dataBytes = bytes.length - dataStart;
  const metadata = readMetadata(header['__metadata__']);
  const tensors = new Map<string, TensorSlot>();
  for (const [name, value] of Object.entries(header)) {
    if (name !== '__metadata__') tensors.set(name, readSlot(name, value, dataBytes));
  }
  // The spec forbids holes and overlaps: sorted by offset, each tensor starts where the last ended, and
  // together they cover the data exactly.
  const sorted = [...tensors.entries()].sort((a, b) => a[1].begin - b[1].begin || a[1].end - b[1].end);
  let expected = 0;
  for (const [name, slot] of sorted) {
    if (slot.begin !== expected) refuse(`tensor ${JSON.stringify(name)} overlaps another or leaves a gap`);
    expected = slot.end;
  }
  if (expected < dataBytes) refuse(`${dataBytes - expected} unexpected bytes after the weights`);
  return { metadata, tensors, dataStart };
}
