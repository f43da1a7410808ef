import type * as DcmjsCodecsModule from 'dcmjs-codecs';

/**
 * 12-bit DCT JPEG (process 4, "JPEG Extended") through dcmjs-codecs, a WebAssembly build of
 * the IJG libjpeg 8/12/16-bit codecs that DCMTK uses. Cornerstone's JavaScript 12-bit decoder
 * was rejected: its level shift is wrong for 12-bit data (every value comes out ~15 too high,
 * measured against dcmtk's dcmdjpeg in test/core/dicom/transferSyntaxes.test.ts).
 */
type Api = typeof DcmjsCodecsModule;
type NativeCodecsApi = Api['NativeCodecs'] & { _getWebAssemblyBytes: () => Promise<ArrayBuffer> };

let ready: Promise<Api> | undefined;

/**
 * Loads the codec (lazily: it is large and 12-bit JPEG is rare) and initialises it once with
 * wasm bytes supplied by the caller, so this module neither fetches nor reads files.
 */
export function loadJpeg12(wasm: () => Promise<ArrayBuffer | Uint8Array>): Promise<Api> {
  if (!ready) {
    ready = import('dcmjs-codecs').then(async (mod) => {
      // A UMD bundle: Node exposes it as `default`, bundlers as named exports.
      const api = ((mod as unknown as { default?: Api }).default ?? mod) as Api;
      const native = api.NativeCodecs as NativeCodecsApi;
      // Hand the library our bytes instead of letting it fetch or read a path.
      native._getWebAssemblyBytes = async () => {
        const b = await wasm();
        return b instanceof Uint8Array ? (b.slice().buffer as ArrayBuffer) : b;
      };
      await native.initializeAsync({ logCodecsInfo: false, logCodecsTrace: false });
      return api;
    });
    ready.catch(() => {
      ready = undefined;
    });
  }
  return ready;
}

export function decodeJpeg12(
  api: Api,
  encoded: Uint8Array,
  h: { rows: number; columns: number; bitsAllocated: number; bitsStored: number; pixelRepresentation: number; samplesPerPixel: number; photometricInterpretation: string },
): Uint8Array {
  const context = new api.Context({
    width: h.columns,
    height: h.rows,
    bitsAllocated: h.bitsAllocated,
    bitsStored: h.bitsStored,
    samplesPerPixel: h.samplesPerPixel,
    pixelRepresentation: h.pixelRepresentation,
    planarConfiguration: 0,
    photometricInterpretation: h.photometricInterpretation,
    encodedBuffer: encoded,
  });
  const decoded = api.NativeCodecs.decodeJpeg(context, { convertColorspaceToRgb: false }).getDecodedBuffer();
  if (!decoded) throw new Error('the JPEG decoder returned no pixels');
  return decoded;
}
