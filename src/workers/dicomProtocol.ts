import type { SerializedError } from '../core/errors';
import type { SliceRequest } from '../core/dicom/load';
import type { ParseResult, InstanceHeader } from '../core/dicom/parse';

/**
 * Where a worker gets a file's bytes: a File from a drop or picker (structured clone of a
 * File is a cheap handle), a same-origin URL (bundled samples), or bytes handed over.
 */
export type SourceRef =
  | { readonly kind: 'file'; readonly name: string; readonly file: Blob }
  | { readonly kind: 'url'; readonly name: string; readonly url: string }
  | { readonly kind: 'bytes'; readonly name: string; readonly bytes: ArrayBuffer };

export type WorkerRequest =
  /**
   * Parses the headers. With `keepBytes` the worker reads each file whole and hands its bytes
   * back (transferred), so decoding it later needs no second read.
   */
  | { readonly type: 'scan'; readonly id: number; readonly sources: readonly SourceRef[]; readonly keepBytes?: boolean }
  | {
      readonly type: 'decode';
      readonly id: number;
      readonly source: SourceRef;
      readonly header: InstanceHeader;
      readonly requests: readonly SliceRequest[];
      readonly preferInt16: boolean;
      /** Shared volume buffer to write slices into (cross-origin isolated pages). */
      readonly target?: { readonly buffer: SharedArrayBuffer; readonly type: 'int16' | 'float32'; readonly sliceSize: number };
    };

/** A decoded slice: its values (transferred), or none when it was written into the target. */
export interface WireSlice {
  readonly source: number;
  readonly paddedVoxels: number;
  readonly values?: Int16Array | Float32Array;
}

export type WorkerResponse =
  | { readonly type: 'scanned'; readonly id: number; readonly index: number; readonly result: ParseResult; readonly bytes?: ArrayBuffer }
  | { readonly type: 'decoded'; readonly id: number; readonly slices: readonly WireSlice[] }
  | { readonly type: 'done'; readonly id: number }
  | { readonly type: 'error'; readonly id: number; readonly error: SerializedError };
