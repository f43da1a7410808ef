import { Enums, RenderingEngine, cache, init as initCore, setVolumesForViewports, volumeLoader } from '@cornerstonejs/core';
import type { Types } from '@cornerstonejs/core';
import {
  Enums as ToolEnums,
  LengthTool,
  PanTool,
  StackScrollTool,
  ToolGroupManager,
  TrackballRotateTool,
  WindowLevelTool,
  ZoomTool,
  addTool,
  init as initTools,
} from '@cornerstonejs/tools';
import type { Vec3 } from '../core/geometry/vec3';
import type { Volume } from '../core/volume/volume';

/** Where the pointer is, in patient LPS mm, and over which view. */
export interface CursorEvent {
  readonly orientation: MprOrientation;
  readonly pointLps: Vec3;
}

/**
 * Axial, sagittal and coronal MPR of a loaded `Volume` with Cornerstone3D. The voxels are handed
 * to Cornerstone as a local volume with the same LPS geometry (no second decode, no DICOM
 * re-read). Mouse: left drag = window/level, middle = pan, right = zoom, wheel = scroll slices.
 */
export type MprOrientation = 'axial' | 'sagittal' | 'coronal';
export type PrimaryTool = 'windowLevel' | 'ruler';

/** 3D renderings: Cornerstone's volume-rendering presets. */
export type Rendering3d = 'CT-Bone' | 'CT-Soft-Tissue' | 'CT-Muscle' | 'MR-Default' | 'MR-T2-Brain';
export const RENDERINGS_CT: readonly Rendering3d[] = ['CT-Bone', 'CT-Soft-Tissue', 'CT-Muscle'];
export const RENDERINGS_MR: readonly Rendering3d[] = ['MR-Default', 'MR-T2-Brain'];
export const MPR_ORIENTATIONS: readonly MprOrientation[] = ['axial', 'sagittal', 'coronal'];

let initialised: Promise<void> | undefined;

/** Cornerstone is initialised once per page (a second init leaves every viewport black). */
function initCornerstone(): Promise<void> {
  initialised ??= (async () => {
    await initCore();
    initTools();
    for (const tool of [WindowLevelTool, PanTool, ZoomTool, StackScrollTool, LengthTool, TrackballRotateTool]) addTool(tool);
  })();
  return initialised;
}

let instance = 0;

/** "12.34 mm" between the ruler's two world (LPS mm) points. */
function rulerText(data: { handles?: { points?: number[][] } }): string[] | undefined {
  const [a, b] = data.handles?.points ?? [];
  if (!a || !b) return undefined;
  return [`${Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]).toFixed(2)} mm`];
}

export class MprViewer {
  private readonly id = ++instance;
  private engine?: RenderingEngine;
  private volumeId?: string;
  private readonly toolGroupId = `voxelprint-mpr-${this.id}`;
  private readonly toolGroup3dId = `voxelprint-3d-${this.id}`;
  private readonly detach: (() => void)[] = [];

  constructor(
    private readonly elements: Record<MprOrientation, HTMLDivElement> & { readonly volume3d?: HTMLDivElement },
    private readonly onCursor?: (e: CursorEvent | undefined) => void,
  ) {
    for (const o of MPR_ORIENTATIONS) {
      const el = elements[o];
      const move = (ev: MouseEvent): void => {
        const viewport = this.engine?.getViewport(`${o}-${this.id}`);
        if (!viewport) return;
        const rect = el.getBoundingClientRect();
        const world = viewport.canvasToWorld([ev.clientX - rect.left, ev.clientY - rect.top] as Types.Point2);
        this.onCursor?.({ orientation: o, pointLps: [world[0], world[1], world[2]] });
      };
      const leave = (): void => this.onCursor?.(undefined);
      el.addEventListener('mousemove', move);
      el.addEventListener('mouseleave', leave);
      this.detach.push(() => {
        el.removeEventListener('mousemove', move);
        el.removeEventListener('mouseleave', leave);
      });
    }
  }

  private primary: PrimaryTool = 'windowLevel';

  /** What the left mouse button does: window/level, or draw a length ruler (mm). */
  setPrimaryTool(tool: PrimaryTool): void {
    this.primary = tool;
    const group = ToolGroupManager.getToolGroup(this.toolGroupId);
    if (!group) return;
    const [on, off] = tool === 'ruler' ? [LengthTool.toolName, WindowLevelTool.toolName] : [WindowLevelTool.toolName, LengthTool.toolName];
    group.setToolPassive(off);
    group.setToolActive(on, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Primary }] });
  }

  /** Sets the display window (centre/width in the volume's units) on all three views. */
  setWindow(window: { center: number; width: number }): void {
    if (!this.engine) return;
    for (const o of MPR_ORIENTATIONS) {
      const viewport = this.engine.getViewport(`${o}-${this.id}`) as Types.IVolumeViewport | undefined;
      viewport?.setProperties({ voiRange: { lower: window.center - window.width / 2, upper: window.center + window.width / 2 } });
      viewport?.render();
    }
  }

  /** Shows `volume` in the three viewports with a window (centre/width in the volume's units). */
  async show(volume: Volume, window: { center: number; width: number }): Promise<void> {
    await initCornerstone();
    this.dispose();
    this.engine = new RenderingEngine(`voxelprint-engine-${this.id}`);
    const viewportInput: Types.PublicViewportInput[] = MPR_ORIENTATIONS.map((o) => ({
      viewportId: `${o}-${this.id}`,
      type: Enums.ViewportType.ORTHOGRAPHIC,
      element: this.elements[o],
      defaultOptions: { orientation: Enums.OrientationAxis[o.toUpperCase() as 'AXIAL' | 'SAGITTAL' | 'CORONAL'], background: [0, 0, 0] as Types.RGB },
    }));
    if (this.elements.volume3d) {
      viewportInput.push({
        viewportId: `volume3d-${this.id}`,
        type: Enums.ViewportType.VOLUME_3D,
        element: this.elements.volume3d,
        defaultOptions: { orientation: Enums.OrientationAxis.CORONAL, background: [0, 0, 0] as Types.RGB },
      });
    }
    this.engine.setViewports(viewportInput);

    this.volumeId = `voxelprint-volume-${this.id}-${Date.now()}`;
    const [r, c, n] = volume.directionLps;
    const csVolume = volumeLoader.createLocalVolume(this.volumeId, {
      scalarData: volume.voxels,
      dimensions: [...volume.dimensions] as Types.Point3,
      spacing: [...volume.spacingMm] as Types.Point3,
      origin: [...volume.originLps] as Types.Point3,
      direction: [...r, ...c, ...n] as unknown as Types.Mat3,
      metadata: {
        BitsAllocated: volume.voxels instanceof Int16Array ? 16 : 32,
        BitsStored: volume.voxels instanceof Int16Array ? 16 : 32,
        SamplesPerPixel: 1,
        HighBit: volume.voxels instanceof Int16Array ? 15 : 31,
        PhotometricInterpretation: 'MONOCHROME2',
        PixelRepresentation: 1,
        Modality: volume.modality,
        ImageOrientationPatient: [...r, ...c],
        PixelSpacing: [volume.spacingMm[1], volume.spacingMm[0]],
        FrameOfReferenceUID: `voxelprint-${this.id}`,
        Columns: volume.dimensions[0],
        Rows: volume.dimensions[1],
        voiLut: [{ windowCenter: window.center, windowWidth: window.width }],
        VOILUTFunction: 'LINEAR',
      } as unknown as Types.Metadata,
    });
    const viewportIds = viewportInput.map((v) => v.viewportId).filter((id) => !id.startsWith('volume3d'));
    await setVolumesForViewports(
      this.engine,
      [
        {
          volumeId: this.volumeId,
          callback: ({ volumeActor }) => {
            volumeActor
              .getProperty()
              .getRGBTransferFunction(0)
              .setMappingRange(window.center - window.width / 2, window.center + window.width / 2);
          },
        },
      ],
      viewportIds,
    );

    const group = ToolGroupManager.createToolGroup(this.toolGroupId);
    if (group) {
      for (const id of viewportIds) group.addViewport(id, this.engine.id);
      for (const tool of [WindowLevelTool, PanTool, ZoomTool, StackScrollTool, LengthTool]) group.addTool(tool.toolName);
      // The ruler's label is the distance between its two points in patient space (LPS mm).
      // Cornerstone's own figure goes through the image's pixel calibration, which on a local
      // volume came out 20% short on the 0.8 × 0.9 mm phantom (see docs/viewer.md).
      group.setToolConfiguration(LengthTool.toolName, { getTextLines: rulerText });
      group.setToolActive(this.primary === 'ruler' ? LengthTool.toolName : WindowLevelTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Primary }] });
      group.setToolPassive(this.primary === 'ruler' ? WindowLevelTool.toolName : LengthTool.toolName);
      group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Auxiliary }] });
      group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Secondary }] });
      group.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Wheel }] });
    }
    if (this.elements.volume3d) {
      const id3d = `volume3d-${this.id}`;
      await setVolumesForViewports(this.engine, [{ volumeId: this.volumeId }], [id3d]);
      const group3d = ToolGroupManager.createToolGroup(this.toolGroup3dId);
      if (group3d) {
        group3d.addViewport(id3d, this.engine.id);
        for (const tool of [TrackballRotateTool, PanTool, ZoomTool]) group3d.addTool(tool.toolName);
        group3d.setToolActive(TrackballRotateTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Primary }] });
        group3d.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Auxiliary }] });
        group3d.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Secondary }] });
      }
      this.setRendering(volume.modality === 'CT' ? 'CT-Bone' : 'MR-Default');
    }
    // A local volume draws flat until its texture is marked stale (see shared/STACK.md).
    (csVolume as unknown as { invalidate?: () => void }).invalidate?.();
    this.engine.renderViewports(viewportIds);
  }

  /** The 3D view's rendering preset. */
  setRendering(rendering: Rendering3d): void {
    const viewport = this.engine?.getViewport(`volume3d-${this.id}`) as Types.IVolumeViewport | undefined;
    if (!viewport) return;
    viewport.setProperties({ preset: rendering });
    viewport.render();
  }

  /** Re-fits the viewports after their elements changed size. */
  resize(): void {
    this.engine?.resize(true, false);
  }

  /** Releases the views and the pointer listeners. */
  destroy(): void {
    this.dispose();
    for (const d of this.detach.splice(0)) d();
  }

  dispose(): void {
    ToolGroupManager.destroyToolGroup(this.toolGroupId);
    ToolGroupManager.destroyToolGroup(this.toolGroup3dId);
    this.engine?.destroy();
    this.engine = undefined;
    if (this.volumeId) cache.removeVolumeLoadObject(this.volumeId);
    this.volumeId = undefined;
  }
}
