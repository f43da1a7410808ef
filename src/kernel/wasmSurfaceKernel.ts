import type { VoxelArray } from '../core/volume/volume';
import type { KernelOutput, KernelSettings, LayerMode, LayerResult, SurfaceKernel } from '../core/mesh/surfaceKernel';
import {
  EDGE_KEY_OFF,
  EDGE_KIND,
  EDGE_SECOND,
  FACE_CORNERS,
  FACE_LIST,
  FACE_LIST_START,
  FACE_SLOT,
  PINCH,
  PINCH_SLOT,
  PINCH_VOXEL_OFF,
  SHEET_COUNT,
  SHEET_OF_SLOT,
  SLOT_AXES,
  SLOT_LOWER_BITS,
} from '../core/mesh/kernelTables';

/**
 * The WebAssembly surface-nets kernel (src/kernel/assembly/surfaceNets.ts, built by
 * `npm run build:kernel`) behind the core's `SurfaceKernel` contract. One instance keeps its
 * memory from run to run; the platform loads the module (the CLI from disk, workers through Vite).
 */
interface KernelExports {
  readonly memory: WebAssembly.Memory;
  tablesPtr(): number;
  begin(nx: number, ny: number, hasMask: number, label: number, valueKind: number, lo: number, hi: number): void;
  stagingMaskPtr(): number;
  stagingValuesPtr(): number;
  pushSlice(present: number): void;
  layer(c: number, mode: number): void;
  outBlockStart(): number;
  outBlockVertices(): number;
  outPositionsPtr(): number;
  outPositionsLength(): number;
  outIndicesPtr(): number;
  outIndicesLength(): number;
}

/** Byte offsets of the tables in the kernel's table region (see the AssemblyScript source). */
const TABLE_LAYOUT: readonly [number, Int8Array | Uint8Array | Uint16Array][] = [
  [0, SHEET_OF_SLOT],
  [3072, SHEET_COUNT],
  [3328, FACE_SLOT],
  [3352, EDGE_KIND],
  [3376, EDGE_KEY_OFF],
  [3448, EDGE_SECOND],
  [3472, PINCH],
  [4240, PINCH_SLOT],
  [4264, PINCH_VOXEL_OFF],
  [4300, SLOT_LOWER_BITS],
  [4312, SLOT_AXES],
  [4324, Uint8Array.from(FACE_CORNERS.flat(2))],
  [4400, FACE_LIST_START],
  [4928, FACE_LIST],
];

const MODES: Record<LayerMode, number> = { full: 0, ghost: 1, silent: 2 };

export class WasmSurfaceKernel implements SurfaceKernel {
  readonly name = 'wasm';
  private settings!: KernelSettings;

  constructor(private readonly k: KernelExports) {
    const at = k.tablesPtr();
    for (const [offset, table] of TABLE_LAYOUT) new Uint8Array(k.memory.buffer, at + offset, table.byteLength).set(new Uint8Array(table.buffer, table.byteOffset, table.byteLength));
  }

  begin(settings: KernelSettings): void {
    this.settings = settings;
    const kind = settings.valueKind === 'none' ? 0 : settings.valueKind === 'int16' ? 1 : 2;
    this.k.begin(settings.nx, settings.ny, settings.hasMask ? 1 : 0, settings.label, kind, settings.lo, settings.hi);
  }

  pushSlice(mask: Uint8Array | null, values: VoxelArray | null): void {
    const { nx, ny, hasMask, valueKind } = this.settings;
    const present = hasMask ? mask !== null : values !== null;
    if (present) {
      const buffer = this.k.memory.buffer; // views are re-created after every call: memory may grow
      if (hasMask) new Uint8Array(buffer, this.k.stagingMaskPtr(), nx * ny).set(mask!);
      if (valueKind === 'int16') new Int16Array(buffer, this.k.stagingValuesPtr(), nx * ny).set(values as Int16Array);
      else if (valueKind === 'float32') new Float32Array(buffer, this.k.stagingValuesPtr(), nx * ny).set(values as Float32Array);
    }
    this.k.pushSlice(present ? 1 : 0);
  }

  layer(c: number, mode: LayerMode): LayerResult {
    this.k.layer(c, MODES[mode]);
    return { blockStart: this.k.outBlockStart(), blockVertices: this.k.outBlockVertices() };
  }

  output(): KernelOutput {
    const buffer = this.k.memory.buffer;
    return {
      positions: new Float32Array(buffer, this.k.outPositionsPtr(), this.k.outPositionsLength()),
      indices: new Uint32Array(buffer, this.k.outIndicesPtr(), this.k.outIndicesLength()),
    };
  }
}

/** Instantiates the kernel from its compiled module or bytes (no imports). */
export async function createWasmSurfaceKernel(source: WebAssembly.Module | BufferSource): Promise<WasmSurfaceKernel> {
  const instance =
    source instanceof WebAssembly.Module
      ? await WebAssembly.instantiate(source, {})
      : (await WebAssembly.instantiate(source, {})).instance;
  return new WasmSurfaceKernel(instance.exports as unknown as KernelExports);
}
