/**
 * The meshers the meshing benchmark compares, behind one interface, for Node
 * (bench/mesh-node.ts) and the browser worker (bench/browser/mesh.worker.ts):
 *
 * - `ours`: whatever bench/mesh-ours.ts wraps (the adapter; see its contract). Input: the HU
 *   volume, the range and the labelmap (vertices interpolated on the HU values). Output in LPS.
 * - `vtk-labelmap`: vtk.js 36.4.1 `vtkImageMarchingCubes` on the labelmap (Uint8 0/1) at 0.5.
 * - `vtk-hu`: the same filter on the HU field (Int16) at `range.lo` (226 for bone). It ignores
 *   `range.hi`: a HU iso-surface, what a vtk.js user would do without a labelmap.
 *   Both vtk.js runs use `mergePoints: true` (shared vertices: an indexed mesh like ours; the
 *   default `false` writes 3 new points per triangle) and `computeNormals: false`.
 * - `polyseg`: `@icr/polyseg-wasm` 0.4.0 `convertLabelmapToSurface(labelmap, dims, spacing,
 *   direction, origin, [1])`: VTK 9.2's vtkDiscreteFlyingEdges3D compiled to WASM, followed by
 *   PolySeg's fixed post-processing (windowed-sinc smoothing and normals; the API has no switch
 *   to turn them off), the engine behind Cornerstone3D's labelmap → surface.
 *
 * Geometry: the peers get the grid's spacing with origin (0,0,0) and an identity direction
 * (vtk.js's filter ignores direction; orientation aside), so their points are in "grid mm"
 * (voxel (0,0,0) centre at 0, axes along i, j, k). `gridBbox` maps our LPS output into the
 * same frame for the sanity check (outside the timing).
 */
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray.js';
import vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData.js';
import vtkImageMarchingCubes from '@kitware/vtk.js/Filters/General/ImageMarchingCubes.js';
import type { HuRange } from '../src/core/segmentation/presets';
import { OURS_LABEL, initOurs, meshOurs } from './mesh-ours';
import type { MeshVolume } from './mesh-ours';

export type EngineId = 'ours' | 'vtk-labelmap' | 'vtk-hu' | 'polyseg';
export const ENGINE_IDS: readonly EngineId[] = ['ours', 'vtk-labelmap', 'vtk-hu', 'polyseg'];

/** What every engine gets; the mask is `thresholdMask(volume.voxels, range)`, built once outside the timing. */
export interface EngineInput {
  readonly volume: MeshVolume;
  readonly range: HuRange;
  readonly mask: Uint8Array;
}

export interface EngineOutput {
  /** x, y, z per vertex, in `frame`. */
  readonly positions: Float32Array;
  readonly vertices: number;
  readonly triangles: number;
  readonly frame: 'LPS' | 'grid';
}

export interface Engine {
  readonly id: EngineId;
  readonly label: string;
  /** Awaited once before the first run; timed as part of "cold". */
  init(): Promise<void>;
  run(input: EngineInput): Promise<EngineOutput>;
}

/** The part of the polyseg-wasm Emscripten module the benchmark uses. */
export interface PolysegModule {
  convertLabelmapToSurface(
    labelmap: Uint8Array,
    dimensions: readonly number[],
    spacing: readonly number[],
    direction: readonly number[],
    origin: readonly number[],
    segments: readonly number[],
  ): { points: Float32Array; polys: Uint32Array };
}

/** Instantiates the polyseg WASM module; Node reads the .wasm file, the browser fetches it. */
export type PolysegLoader = () => Promise<PolysegModule>;

const IDENTITY = [1, 0, 0, 0, 1, 0, 0, 0, 1] as const;

/** vtk.js's filter logs `console.time('mcubes')` on every run; keep the benchmark output clean. */
function quietConsoleTimers<T>(f: () => T): T {
  const { time, timeEnd } = console;
  console.time = () => undefined;
  console.timeEnd = () => undefined;
  try {
    return f();
  } finally {
    console.time = time;
    console.timeEnd = timeEnd;
  }
}

function vtkMarchingCubes(input: EngineInput, scalars: Uint8Array | Int16Array | Float32Array, contourValue: number): EngineOutput {
  const { volume } = input;
  const image = vtkImageData.newInstance();
  image.setDimensions([...volume.dimensions]);
  image.setSpacing([...volume.spacingMm]);
  image.setOrigin([0, 0, 0]);
  image.getPointData().setScalars(vtkDataArray.newInstance({ values: scalars, numberOfComponents: 1, name: 'scalars' }));
  const mc = vtkImageMarchingCubes.newInstance({ contourValue, computeNormals: false, mergePoints: true });
  mc.setInputData(image);
  const polyData = quietConsoleTimers(() => mc.getOutputData());
  const positions = polyData.getPoints().getData() as Float32Array;
  return { positions, vertices: positions.length / 3, triangles: polyData.getPolys().getNumberOfCells(), frame: 'grid' };
}

export function makeEngines(loadPolyseg: PolysegLoader): Record<EngineId, Engine> {
  let polyseg: PolysegModule | undefined;
  return {
    ours: {
      id: 'ours',
      label: OURS_LABEL,
      init: initOurs,
      async run({ volume, range, mask }) {
        const m = await meshOurs(volume, range, mask);
        return { positions: m.positionsMm, vertices: m.positionsMm.length / 3, triangles: m.indices.length / 3, frame: 'LPS' };
      },
    },
    'vtk-labelmap': {
      id: 'vtk-labelmap',
      label: 'vtk.js 36.4.1 ImageMarchingCubes on the labelmap at 0.5 (mergePoints)',
      init: async () => undefined,
      run: async (input) => vtkMarchingCubes(input, input.mask, 0.5),
    },
    'vtk-hu': {
      id: 'vtk-hu',
      label: 'vtk.js 36.4.1 ImageMarchingCubes on the HU field at range.lo (mergePoints)',
      init: async () => undefined,
      run: async (input) => vtkMarchingCubes(input, input.volume.voxels, input.range.lo),
    },
    polyseg: {
      id: 'polyseg',
      label: '@icr/polyseg-wasm 0.4.0 convertLabelmapToSurface (VTK discrete flying edges + windowed sinc, WASM)',
      async init() {
        polyseg ??= await loadPolyseg();
      },
      async run({ volume, mask }) {
        if (!polyseg) throw new Error('polyseg: init() first');
        const r = polyseg.convertLabelmapToSurface(mask, volume.dimensions, volume.spacingMm, IDENTITY, [0, 0, 0], [1]);
        // polys is a VTK cell array: [3, a, b, c, 3, ...] for triangles.
        return { positions: r.points, vertices: r.points.length / 3, triangles: r.polys.length / 4, frame: 'grid' };
      },
    },
  };
}

/** One timed call. `ms` is what the tables call the run's time (cold: init + first call). */
export interface MeshRun {
  readonly ms: number;
  readonly initMs: number;
  readonly callMs: number;
  /** Peak RSS during the run (MB). */
  readonly peakMB: number;
  /** RSS right before the run (MB). */
  readonly beforeMB: number;
  /** Node: process.memoryUsage().arrayBuffers right after the run, result alive (MB). */
  readonly arrayBuffersMB?: number;
}

/** What one (environment, volume, engine) cell produces, in Node (bench/mesh-node.ts) and in the browser (bench/browser/mesh.ts). */
export interface MeshCell {
  readonly env: string;
  readonly volume: string;
  readonly engine: EngineId;
  readonly label: string;
  readonly voxels: number;
  readonly insideVoxels: number;
  /** Volume + labelmap bytes (MB): the memory unit. */
  readonly inputMB: number;
  /** Memory before the volume was read (MB); what "above baseline" is measured from. */
  readonly baselineMB: number;
  readonly memoryMethod: string;
  readonly triangles: number;
  readonly vertices: number;
  readonly bboxGridMm: Bbox;
  /** Every run gave the same triangle count. */
  readonly stable: boolean;
  readonly cold: MeshRun;
  readonly warm: readonly MeshRun[];
  /** Browser: performance.measureUserAgentSpecificMemory() after the last run, before the worker ends. */
  readonly uaMemory?: { readonly totalMB: number; readonly workerMB: number } | { readonly error: string };
}

export type Bbox = { readonly min: [number, number, number]; readonly max: [number, number, number] };

/** Bounding box of an engine's output in grid mm (see the module comment). */
export function gridBbox(out: EngineOutput, volume: MeshVolume): Bbox {
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  const p = out.positions;
  const [r, c, s] = volume.directionLps;
  const o = volume.originLps;
  const q = [0, 0, 0];
  for (let i = 0; i < p.length; i += 3) {
    if (out.frame === 'LPS') {
      const dx = p[i] - o[0];
      const dy = p[i + 1] - o[1];
      const dz = p[i + 2] - o[2];
      q[0] = dx * r[0] + dy * r[1] + dz * r[2];
      q[1] = dx * c[0] + dy * c[1] + dz * c[2];
      q[2] = dx * s[0] + dy * s[1] + dz * s[2];
    } else {
      q[0] = p[i];
      q[1] = p[i + 1];
      q[2] = p[i + 2];
    }
    for (let a = 0; a < 3; a++) {
      if (q[a] < min[a]) min[a] = q[a];
      if (q[a] > max[a]) max[a] = q[a];
    }
  }
  return { min, max };
}

export function countInside(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i];
  return n;
}
