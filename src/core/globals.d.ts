// src/core is compiled without the DOM lib and without Node types (tsconfig.core.json), so
// `window`, `document` and `fs` cannot creep in. The few platform globals that exist in every
// place the core runs (Node, Web Workers, browsers) are declared here.
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  readonly encoding: string;
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
