/**
 * Every failure the core reports carries a code that survives postMessage (structured clone
 * keeps only message, name and stack) and maps to a CLI exit code.
 */
export type ErrorCode =
  | 'empty-file'
  | 'not-dicom'
  | 'truncated'
  | 'malformed'
  | 'dicomdir'
  | 'no-pixel-data'
  | 'unsupported-transfer-syntax'
  | 'unsupported-pixel-format'
  | 'pixel-data-size-mismatch'
  | 'too-large'
  | 'decode-failed'
  | 'not-a-volume'
  | 'no-series'
  | 'cancelled'
  | 'io'
  | 'usage'
  | 'mesh-failed';

export class VoxelprintError extends Error {
  readonly code: ErrorCode;
  /** The file (or series) the error is about, when there is one. */
  readonly subject?: string;
  constructor(code: ErrorCode, message: string, subject?: string) {
    super(message);
    this.name = 'VoxelprintError';
    this.code = code;
    this.subject = subject;
  }
}

export interface SerializedError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly subject?: string;
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof VoxelprintError) return { code: e.code, message: e.message, subject: e.subject };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'malformed', message };
}

export function deserializeError(s: SerializedError): VoxelprintError {
  return new VoxelprintError(s.code, s.message, s.subject);
}

export const isCancelled = (e: unknown): boolean => e instanceof VoxelprintError && e.code === 'cancelled';

/** A cancellation signal the core can check without depending on the DOM's AbortSignal type. */
export interface CancelSignal {
  readonly aborted: boolean;
}

export function throwIfCancelled(signal: CancelSignal | undefined): void {
  if (signal?.aborted) throw new VoxelprintError('cancelled', 'cancelled by the user');
}
