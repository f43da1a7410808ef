/**
 * Named moments of the workflow on the page's timeline (`performance.mark('voxelprint:…')`), for
 * the browser's performance panel and the workstation benchmark: scan done, volume ready,
 * each model phase, model ready and first drawn, export started and written. No effect otherwise.
 */
export type Milestone =
  | 'scan-done'
  | 'volume-ready'
  | 'model-segment'
  | 'model-surface'
  | 'model-finish'
  | 'model-ready'
  | 'model-shown'
  | 'export-start'
  | 'export-written';

export function milestone(name: Milestone): void {
  globalThis.performance?.mark?.(`voxelprint:${name}`);
}
