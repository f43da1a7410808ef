import charlsFactory from '@cornerstonejs/codec-charls/decodewasmjs';
import openjpegFactory from '@cornerstonejs/codec-openjpeg/decodewasmjs';
import openjphFactory from '@cornerstonejs/codec-openjph/wasmjs';
import libjpegTurboFactory from '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs';
import { Decoder as JpegLosslessDecoder } from '@cornerstonejs/jpeg-lossless-decoder-js';
import type { CompressedEncoding, DecodedSamples, FrameCodecs, FrameLayout } from '../core/dicom/codecs/frameCodecs';
import { decodeJpeg12, loadJpeg12 } from './jpeg12';

/**
 * The decoders behind the core's `FrameCodecs`. The WebAssembly decoders we use (built and published by the Cornerstone codecs project):
 * CharLS (JPEG-LS), OpenJPEG (JPEG 2000), OpenJPH (HTJ2K), libjpeg-turbo (8-bit JPEG), and
 * dcmjs-codecs' IJG build for 12-bit JPEG.
 *
 * Nothing here fetches or reads files: whoever runs it (Node CLI, a Web Worker, a test)
 * supplies the .wasm bytes through a `WasmBinaryProvider`.
 */
export type WasmCodecName = 'charls' | 'openjpeg' | 'openjph' | 'libjpeg-turbo-8bit' | 'dcmjs-codecs';

/** Package sub-path of each codec's .wasm file, for providers that resolve them. */
export const WASM_FILES: Record<WasmCodecName, string> = {
  charls: '@cornerstonejs/codec-charls/decodewasm',
  openjpeg: '@cornerstonejs/codec-openjpeg/decodewasm',
  openjph: '@cornerstonejs/codec-openjph/wasm',
  'libjpeg-turbo-8bit': '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm',
  'dcmjs-codecs': 'dcmjs-codecs/build/dcmjs-native-codecs.wasm',
};

export type WasmBinaryProvider = (codec: WasmCodecName) => Promise<ArrayBuffer | Uint8Array>;

export interface FrameInfo {
  readonly width: number;
  readonly height: number;
  readonly bitsPerSample: number;
  readonly componentCount: number;
  readonly isSigned?: boolean;
}

/** The embind interface every one of these decoders exposes. */
export interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): FrameInfo;
  decode(): void;
}

const factories: Record<Exclude<WasmCodecName, 'dcmjs-codecs'>, { factory: EmscriptenCodecFactory; className: string }> = {
  charls: { factory: charlsFactory, className: 'JpegLSDecoder' },
  openjpeg: { factory: openjpegFactory, className: 'J2KDecoder' },
  openjph: { factory: openjphFactory, className: 'HTJ2KDecoder' },
  'libjpeg-turbo-8bit': { factory: libjpegTurboFactory, className: 'JPEGDecoder' },
};

/** SOF precision of a DCT JPEG stream (8 or 12), or undefined if no SOF marker was found. */
export function jpegPrecision(b: Uint8Array): number | undefined {
  let i = 2;
  while (i + 4 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1];
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return b[i + 4];
    i += 2 + ((b[i + 2] << 8) | b[i + 3]);
  }
  return undefined;
}

/** Instantiates each codec once, on first use, and keeps one decoder object per codec. */
export class WasmCodecs implements FrameCodecs {
  private readonly decoders = new Map<WasmCodecName, Promise<WasmDecoder>>();
  constructor(private readonly wasmBinary: WasmBinaryProvider) {}

  /** The IJG 8/12-bit JPEG codec of dcmjs-codecs (for 12-bit DCT JPEG). */
  jpeg12(): ReturnType<typeof loadJpeg12> {
    return loadJpeg12(() => this.wasmBinary('dcmjs-codecs'));
  }

  async decode(encoding: CompressedEncoding, encoded: Uint8Array, layout: FrameLayout): Promise<DecodedSamples> {
    const viaWasm = async (name: Exclude<WasmCodecName, 'dcmjs-codecs'>): Promise<DecodedSamples> => {
      const { info, bytes } = runWasmDecoder(await this.decoder(name), encoded);
      return { width: info.width, height: info.height, bitsPerSample: info.bitsPerSample, bytes };
    };
    switch (encoding) {
      case 'jpeg-baseline':
      case 'jpeg-extended': {
        const precision = jpegPrecision(encoded);
        if (precision === 8) return viaWasm('libjpeg-turbo-8bit');
        const bytes = decodeJpeg12(await this.jpeg12(), encoded, layout);
        return { width: layout.columns, height: layout.rows, bitsPerSample: precision ?? layout.bitsStored, bytes };
      }
      case 'jpeg-lossless': {
        const out = new JpegLosslessDecoder().decode(encoded.buffer as ArrayBuffer, encoded.byteOffset, encoded.length, layout.bitsAllocated <= 8 ? 1 : 2);
        const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
        return { width: layout.columns, height: layout.rows, bitsPerSample: out instanceof Uint16Array ? 16 : 8, bytes };
      }
      case 'jpeg-ls':
        return viaWasm('charls');
      case 'jpeg2000':
        return viaWasm('openjpeg');
      case 'htj2k':
        return viaWasm('openjph');
    }
  }

  decoder(name: Exclude<WasmCodecName, 'dcmjs-codecs'>): Promise<WasmDecoder> {
    let d = this.decoders.get(name);
    if (!d) {
      const { factory, className } = factories[name];
      d = this.wasmBinary(name)
        .then((wasmBinary) => factory({ wasmBinary }))
        .then((module) => {
          const Ctor = module[className] as new () => WasmDecoder;
          return new Ctor();
        });
      this.decoders.set(name, d);
      d.catch(() => this.decoders.delete(name));
    }
    return d;
  }
}

/** Runs one compressed frame through a WASM decoder; returns a copy of the decoded samples. */
function runWasmDecoder(decoder: WasmDecoder, encoded: Uint8Array): { info: FrameInfo; bytes: Uint8Array } {
  const input = decoder.getEncodedBuffer(encoded.length);
  input.set(encoded);
  decoder.decode();
  const info = decoder.getFrameInfo();
  // The decoded buffer is a view into WASM memory that the next decode overwrites: copy it.
  const bytes = decoder.getDecodedBuffer().slice();
  return { info: { ...info }, bytes };
}
