// Layer boundaries ("dependencies point downward only"):
//   core      <- workers, viewer, preview, store, ui, cli
//   src/core  imports no DOM, React, zustand, Cornerstone packages (viewer or codecs), three, or Node I/O.
//   src/codecs adapts the decoder packages (@cornerstonejs/codec-*, dcmjs-codecs) to core's FrameCodecs.
//   src/viewer is the only importer of @cornerstonejs/core|tools|dicom-image-loader;
//   src/preview the only importer of three.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const cornerstoneViewer = [
  '@cornerstonejs/core',
  '@cornerstonejs/core/*',
  '@cornerstonejs/tools',
  '@cornerstonejs/tools/*',
  '@cornerstonejs/dicom-image-loader',
  '@cornerstonejs/dicom-image-loader/*',
  '@cornerstonejs/metadata',
  '@cornerstonejs/metadata/*',
];
const threeJs = ['three', 'three/*'];
// Codec packages are used by src/codecs only; the core sees them through its FrameCodecs interface.
const codecPackages = ['@cornerstonejs/*', 'dcmjs-codecs', 'dcmjs-codecs/*', '**/codecs/wasmCodecs', '**/codecs/jpeg12'];
const ui = ['react', 'react/*', 'react-dom', 'react-dom/*', 'zustand', 'zustand/*'];
const nodeIo = ['fs', 'fs/*', 'node:*', 'path', 'os', 'child_process', 'worker_threads', 'zlib'];

const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'dist-cli/**', 'node_modules/**', 'public/**', 'test-output/**', 'bench/.dist/**', 'bench/.app-dist/**', 'bench/data/**', 'bench/results/**', 'src/kernel/assembly/**', 'src/kernel/build/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['src/core/**'],
    languageOptions: { globals: {} },
    rules: {
      ...restrict(
        [...cornerstoneViewer, ...codecPackages, ...threeJs, ...ui, ...nodeIo, '**/workers/**', '**/viewer/**', '**/preview/**', '**/ui/**', '**/store/**', '**/cli/**'],
        'src/core is pure: no DOM, UI, Cornerstone, codec packages, three.js or Node I/O (see docs/architecture.md).',
      ),
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage', 'fetch', 'process', 'require'],
    },
  },
  {
    files: ['src/codecs/**'],
    rules: restrict(
      [...cornerstoneViewer, ...threeJs, ...ui, ...nodeIo, '**/workers/**', '**/viewer/**', '**/preview/**', '**/ui/**', '**/store/**', '**/cli/**'],
      'src/codecs adapts decoder packages to the core; it reads no files itself.',
    ),
  },
  {
    files: ['src/kernel/**'],
    rules: restrict(
      [...cornerstoneViewer, ...codecPackages, ...threeJs, ...ui, ...nodeIo, '**/workers/**', '**/viewer/**', '**/preview/**', '**/ui/**', '**/store/**', '**/cli/**'],
      'src/kernel wraps the WebAssembly kernel for the core; the platform hands it the module.',
    ),
  },
  {
    files: ['src/workers/**'],
    rules: restrict([...cornerstoneViewer, ...threeJs, ...ui, ...nodeIo, '**/viewer/**', '**/preview/**', '**/ui/**', '**/store/**', '**/cli/**'], 'workers wrap core operations only.'),
  },
  {
    files: ['src/ui/**', 'src/store/**'],
    rules: restrict([...cornerstoneViewer, ...threeJs, ...nodeIo], 'Cornerstone lives in src/viewer, three.js in src/preview.'),
  },
  {
    files: ['src/viewer/**'],
    rules: restrict([...threeJs, ...nodeIo, '**/ui/**', '**/store/**'], 'src/viewer talks to Cornerstone only.'),
  },
  {
    files: ['src/preview/**'],
    rules: restrict([...cornerstoneViewer, ...nodeIo, '**/ui/**', '**/store/**'], 'src/preview talks to three.js only.'),
  },
  {
    files: ['src/cli/**'],
    rules: restrict([...cornerstoneViewer, ...threeJs, ...ui, '**/viewer/**', '**/preview/**', '**/ui/**', '**/store/**'], 'the CLI runs the core in Node.'),
  },
);
