import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// COOP/COEP make the page crossOriginIsolated (SharedArrayBuffer for the worker pool).
// A production host must send the same headers (see docs/architecture.md).
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const loader = '@cornerstonejs/dicom-image-loader';

export default defineConfig({
  plugins: [react()],
  base: './',
  server: { headers: isolation, port: 5173 },
  preview: { headers: isolation, port: 4173 },
  worker: { format: 'es' },
  optimizeDeps: {
    exclude: [loader],
    include: [
      `${loader} > @cornerstonejs/codec-charls/decodewasmjs`,
      `${loader} > @cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs`,
      `${loader} > @cornerstonejs/codec-openjpeg/decodewasmjs`,
      `${loader} > @cornerstonejs/codec-openjph/wasmjs`,
      `${loader} > @cornerstonejs/codec-libjxl/decodewasmjs`,
      `${loader} > pako`,
      `${loader} > comlink`,
      'dicom-parser',
      // Our own worker imports these CommonJS/UMD modules directly.
      '@cornerstonejs/codec-charls/decodewasmjs',
      '@cornerstonejs/codec-openjpeg/decodewasmjs',
      '@cornerstonejs/codec-openjph/wasmjs',
      '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs',
      '@cornerstonejs/jpeg-lossless-decoder-js',
      'dcmjs-codecs',
    ],
  },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 8000,
  },
});
