import { defineConfig } from 'vite';

// The Node CLI: the same core, bundled for Node. Dependencies stay in node_modules (the codec
// glue finds nothing by itself: the .wasm bytes are read and handed over by src/cli/nodeIo.ts).
export default defineConfig({
  publicDir: false,
  build: {
    ssr: 'src/cli/index.ts',
    outDir: 'dist-cli',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: true,
    rollupOptions: { output: { entryFileNames: 'voxelprint.js', format: 'es' } },
  },
});
