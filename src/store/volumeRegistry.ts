import type { Volume } from '../core/volume/volume';

/**
 * Loaded volumes, outside React state: stores hold ids, never voxel arrays (a re-render must
 * not copy or diff hundreds of megabytes).
 */
const volumes = new Map<string, Volume>();
let counter = 0;

export function registerVolume(v: Volume): string {
  const id = `volume-${++counter}`;
  volumes.set(id, v);
  return id;
}

export const getVolume = (id: string | undefined): Volume | undefined => (id ? volumes.get(id) : undefined);

export function releaseVolume(id: string | undefined): void {
  if (id) volumes.delete(id);
}
