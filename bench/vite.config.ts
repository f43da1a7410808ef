import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';
import rootConfig from '../vite.config.ts';

/**
 * The browser benchmark pages (bench/browser/: load, profile, mesh, workstation): the app's Vite settings (COOP/COEP so the
 * page is crossOriginIsolated, ES-module workers, the codec pre-bundles for the dev server, the
 * 'voxelprint-jpeg12' alias) with root = bench/browser, built into bench/.dist and served by
 * `vite preview`. bench/data/ is served under /data/ by a small middleware (not copied into
 * the build: 134 MB).
 */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
const dataDir = fileURLToPath(new URL('./data/', import.meta.url));

function serveBenchData(): Plugin {
  const handler = (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const url = decodeURIComponent((req.url ?? '').split('?')[0]);
    const rel = url.replace(/^\/+/, '');
    if (!rel || rel.includes('..')) return next();
    const path = dataDir + rel;
    if (!existsSync(path) || !statSync(path).isFile()) return next();
    res.setHeader('Content-Type', path.endsWith('.json') ? 'application/json' : 'application/dicom');
    res.setHeader('Content-Length', String(statSync(path).size));
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.setHeader('Cache-Control', 'no-store');
    for (const [k, v] of Object.entries(isolation)) res.setHeader(k, v);
    createReadStream(path).pipe(res);
  };
  return {
    name: 'voxelprint-bench-data',
    configureServer(server) {
      server.middlewares.use('/data', handler);
    },
    configurePreviewServer(server) {
      server.middlewares.use('/data', handler);
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('./browser/', import.meta.url)),
  base: './',
  publicDir: false,
  plugins: [serveBenchData()],
  server: { headers: isolation, port: 5183, strictPort: false },
  preview: { headers: isolation, port: 4183, strictPort: false },
  worker: { format: 'es' },
  optimizeDeps: rootConfig.optimizeDeps,
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('./.dist/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 8000,
    reportCompressedSize: false,
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL('./browser/index.html', import.meta.url)),
        profile: fileURLToPath(new URL('./browser/profile.html', import.meta.url)),
        mesh: fileURLToPath(new URL('./browser/mesh.html', import.meta.url)),
        workstation: fileURLToPath(new URL('./browser/workstation.html', import.meta.url)),
      },
    },
  },
});
