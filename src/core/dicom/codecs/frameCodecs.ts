/**
 * What the core needs from the compressed-image decoders, without depending on any codec
 * package: those live in src/codecs (WebAssembly builds, loaded by whoever runs the core).
 * RLE is PackBits and stays in the core (rle.ts).
 */
export type CompressedEncoding = 'jpeg-baseline' | 'jpeg-extended' | 'jpeg-lossless' | 'jpeg-ls' | 'jpeg2000' | 'htj2k';

export interface FrameLayout {
  readonly rows: number;
  readonly columns: number;
  readonly samplesPerPixel: number;
  readonly bitsAllocated: number;
  readonly bitsStored: number;
  readonly pixelRepresentation: number;
  readonly photometricInterpretation: string;
}

/** Decoded samples: bytes of 8-bit samples, or of 16-bit little-endian words when bitsPerSample > 8. */
export interface DecodedSamples {
  readonly width: number;
  readonly height: number;
  readonly bitsPerSample: number;
  readonly bytes: Uint8Array;
}

export interface FrameCodecs {
  decode(encoding: CompressedEncoding, encoded: Uint8Array, layout: FrameLayout): Promise<DecodedSamples>;
}
