import charlsWasm from '@cornerstonejs/codec-charls/decodewasm?url';
import openjpegWasm from '@cornerstonejs/codec-openjpeg/decodewasm?url';
import openjphWasm from '@cornerstonejs/codec-openjph/wasm?url';
import libjpegTurboWasm from '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm?url';
import dcmjsCodecsWasm from 'dcmjs-codecs/build/dcmjs-native-codecs.wasm?url';
import { WasmCodecs } from '../codecs/wasmCodecs';
import type { WasmCodecName } from '../codecs/wasmCodecs';

/** The codecs' .wasm files are emitted by Vite as assets and fetched on first use. */
const urls: Record<WasmCodecName, string> = {
  charls: charlsWasm,
  openjpeg: openjpegWasm,
  openjph: openjphWasm,
  'libjpeg-turbo-8bit': libjpegTurboWasm,
  'dcmjs-codecs': dcmjsCodecsWasm,
};

export function browserCodecs(): WasmCodecs {
  return new WasmCodecs(async (name) => {
    const r = await fetch(urls[name]);
    if (!r.ok) throw new Error(`cannot load the ${name} decoder (HTTP ${r.status})`);
    return new Uint8Array(await r.arrayBuffer());
  });
}
