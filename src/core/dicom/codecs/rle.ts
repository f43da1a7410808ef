import type { VoxelprintError } from '../../errors';

/**
 * DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header of up to 15 segment offsets, one
 * PackBits-coded segment per byte plane (most significant byte first), per sample.
 * Returns one word per sample (8/16/32-bit), interleaved for multi-sample images.
 */
export function decodeRle(
  encoded: Uint8Array,
  h: { rows: number; columns: number; samplesPerPixel: number; bitsAllocated: number },
  damaged: () => VoxelprintError,
): Uint8Array | Uint16Array | Uint32Array {
  if (encoded.length < 64) throw damaged();
  const dv = new DataView(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  const segments = dv.getUint32(0, true);
  const bytesPerSample = h.bitsAllocated / 8;
  const pixels = h.rows * h.columns;
  if (segments !== bytesPerSample * h.samplesPerPixel || segments > 15) throw damaged();
  const offsets: number[] = [];
  for (let s = 0; s < segments; s++) offsets.push(dv.getUint32(4 + s * 4, true));
  offsets.push(encoded.length);

  const out =
    bytesPerSample === 1
      ? new Uint8Array(pixels * h.samplesPerPixel)
      : bytesPerSample === 2
        ? new Uint16Array(pixels * h.samplesPerPixel)
        : new Uint32Array(pixels * h.samplesPerPixel);
  const plane = new Uint8Array(pixels);
  for (let s = 0; s < segments; s++) {
    const start = offsets[s];
    const end = Math.min(offsets[s + 1] > start ? offsets[s + 1] : encoded.length, encoded.length);
    if (start < 64 || start >= encoded.length) throw damaged();
    let i = start;
    let o = 0;
    plane.fill(0);
    while (i < end && o < pixels) {
      const n = encoded[i++];
      if (n < 128) {
        const count = Math.min(n + 1, pixels - o, end - i);
        plane.set(encoded.subarray(i, i + count), o);
        i += n + 1;
        o += count;
      } else if (n > 128) {
        const count = Math.min(257 - n, pixels - o);
        plane.fill(encoded[i++], o, o + count);
        o += count;
      }
    }
    if (o < pixels) throw damaged();
    const sample = Math.floor(s / bytesPerSample);
    const byteIndex = s % bytesPerSample; // 0 = most significant
    const shift = 8 * (bytesPerSample - 1 - byteIndex);
    const stride = h.samplesPerPixel;
    if (bytesPerSample === 1) for (let p = 0; p < pixels; p++) out[p * stride + sample] = plane[p];
    else for (let p = 0; p < pixels; p++) out[p * stride + sample] |= plane[p] << shift;
  }
  if (bytesPerSample === 4) for (let p = 0; p < out.length; p++) out[p] = out[p] >>> 0;
  return out;
}
