#!/usr/bin/env node
// The CLI is bundled from src/cli by `npm run build:cli` (run by `npm ci` through "prepare").
import { existsSync } from 'node:fs';
const bundle = new URL('../dist-cli/voxelprint.js', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('voxelprint: the CLI is not built yet; run `npm run build:cli` (npm ci does it).\n');
  process.exit(3);
}
await import(bundle.href);
