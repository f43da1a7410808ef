import { Enums, RenderingEngine, cache, init as initCore, setVolumesForViewports, volumeLoader } from '@cornerstonejs/core';
import type { Types } from '@cornerstonejs/core';
import {
  CrosshairsTool,
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
  segmentation as csSegmentation,
} from '@cornerstonejs/tools';
import type { Vec3 } from '../core/geometry/vec3';
import type { Volume } from '../core/volume/volume';
import type { VoxelBox } from '../core/segmentation/grid';

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
let software: boolean | undefined;

/**
 * Whether WebGL here is drawn by the CPU (SwiftShader, llvmpipe: no usable graphics card, e.g.
 * a virtual machine). There a volume rendering costs seconds of CPU per frame, taken from
 * everything else the page does (a model build takes 3× longer beside it), so the 3D view
 * waits to be asked for.
 */
export function softwareGraphics(): boolean {
  if (software !== undefined) return software;
  const canvas = document.createElement('canvas');
  const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
  if (!gl) return (software = true);
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return (software = /swiftshader|llvmpipe|softpipe|software|basic render/i.test(renderer));
}

export type MprOrientation = 'axial' | 'sagittal' | 'coronal';
/** What the left mouse button does on the slice views. */
export type PrimaryTool = 'windowLevel' | 'ruler' | 'crosshairs' | 'brush' | 'eraser' | 'scissors' | 'pick';

/** The left-button tools whose strokes the app handles itself (not Cornerstone's). */
type OwnTool = 'brush' | 'eraser' | 'scissors' | 'pick';
const OWN_TOOLS: readonly PrimaryTool[] = ['brush', 'eraser', 'scissors', 'pick'];

/** A brush or eraser stroke as the pointer draws it, in patient LPS mm on the view's plane. */
export interface StrokeEvent {
  readonly phase: 'start' | 'move' | 'end';
  readonly tool: OwnTool;
  /** The view's up direction (unit, LPS): rectangles are drawn square to it. */
  readonly viewUpLps: Vec3;
  readonly pointLps: Vec3;
  /** The view's plane normal (unit, LPS). */
  readonly normalLps: Vec3;
}

/** How a segment is drawn on the slices. */
export interface SegmentStyle {
  readonly label: number;
  readonly colorRgb: readonly [number, number, number];
  readonly visible: boolean;
  /** 0–1. */
  readonly opacity: number;
}

/**
 * 3D renderings: Cornerstone's volume-rendering presets, and a maximum-intensity projection
 * ('MIP': each pixel the brightest value along its ray, grey from black to white over a window).
 */
export type Rendering3d = 'CT-Bone' | 'CT-Soft-Tissue' | 'CT-Muscle' | 'MR-Default' | 'MR-T2-Brain' | 'MIP';
export const RENDERINGS_CT: readonly Rendering3d[] = ['CT-Bone', 'CT-Soft-Tissue', 'CT-Muscle', 'MIP'];
export const RENDERINGS_MR: readonly Rendering3d[] = ['MR-Default', 'MR-T2-Brain', 'MIP'];
/** The MIP's grey ramp on CT, HU: fat and air black, soft tissue dark, contrast and bone bright. */
const MIP_WINDOW_CT = { lo: -100, hi: 1100 };

/** The parts of vtk.js's volume actor that a MIP changes (Cornerstone's 3D viewport ignores setBlendMode). */
interface VolumeActorParts {
  getMapper(): { setBlendMode(mode: number): void } | null;
  getProperty(): {
    setShade(on: boolean): void;
    getRGBTransferFunction(i: number): { removeAllPoints(): void; addRGBPoint(x: number, r: number, g: number, b: number): void };
    getScalarOpacity(i: number): { removeAllPoints(): void; addPoint(x: number, y: number): void };
  };
}
export const MPR_ORIENTATIONS: readonly MprOrientation[] = ['axial', 'sagittal', 'coronal'];

/** Crosshair line colours per view (the colour of the view the line comes from). */
const CROSSHAIR_COLOURS: Record<MprOrientation, string> = { axial: 'rgb(220, 60, 60)', sagittal: 'rgb(240, 200, 40)', coronal: 'rgb(60, 200, 80)' };

let initialised: Promise<void> | undefined;

/** Cornerstone is initialised once per page (a second init leaves every viewport black). */
function initCornerstone(): Promise<void> {
  initialised ??= (async () => {
    await initCore();
    initTools();
    for (const tool of [WindowLevelTool, PanTool, ZoomTool, StackScrollTool, LengthTool, TrackballRotateTool, CrosshairsTool]) addTool(tool);
  })();
  return initialised;
}

/**
 * Initialises Cornerstone ahead of the first volume (call when the page is idle): the first
 * views then come up faster after loading, when the main thread has the most to do.
 */
export function prepareViewer(): Promise<void> {
  return initCornerstone();
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

  private readonly brushCursors: HTMLDivElement[] = [];
  private brushRadiusMm = 5;
  private stroking?: MprOrientation;

  constructor(
    private readonly elements: Record<MprOrientation, HTMLDivElement> & { readonly volume3d?: HTMLDivElement },
    private readonly onCursor?: (e: CursorEvent | undefined) => void,
    private readonly onStroke?: (e: StrokeEvent) => void,
  ) {
    for (const o of MPR_ORIENTATIONS) {
      const el = elements[o];
      const cursor = document.createElement('div');
      cursor.className = 'brush-cursor';
      cursor.hidden = true;
      el.appendChild(cursor);
      this.brushCursors.push(cursor);
      const at = (ev: MouseEvent): { pointLps: Vec3; normalLps: Vec3; viewUpLps: Vec3; px: number; x: number; y: number } | undefined => {
        const viewport = this.engine?.getViewport(`${o}-${this.id}`) as Types.IVolumeViewport | undefined;
        if (!viewport) return undefined;
        const rect = el.getBoundingClientRect();
        const x = ev.clientX - rect.left;
        const y = ev.clientY - rect.top;
        const world = viewport.canvasToWorld([x, y] as Types.Point2);
        const { viewPlaneNormal, viewUp } = viewport.getCamera();
        const n = viewPlaneNormal ?? [0, 0, 1];
        const up = viewUp ?? [0, 1, 0];
        const edge = viewport.worldToCanvas([world[0] + up[0] * this.brushRadiusMm, world[1] + up[1] * this.brushRadiusMm, world[2] + up[2] * this.brushRadiusMm] as Types.Point3);
        return { pointLps: [world[0], world[1], world[2]], normalLps: [n[0], n[1], n[2]], viewUpLps: [up[0], up[1], up[2]], px: Math.hypot(edge[0] - x, edge[1] - y), x, y };
      };
      const own = (): OwnTool | undefined => (OWN_TOOLS.includes(this.primary) ? (this.primary as OwnTool) : undefined);
      const painting = (): 'brush' | 'eraser' | undefined => (this.primary === 'brush' || this.primary === 'eraser' ? this.primary : undefined);
      // The scissors' outline as it is drawn (canvas pixels).
      const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
      svg.setAttribute('class', 'scissors-outline');
      const path = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
      svg.appendChild(path);
      el.appendChild(svg);
      let outline: string[] = [];
      const move = (ev: MouseEvent): void => {
        const p = at(ev);
        if (!p) return;
        this.onCursor?.({ orientation: o, pointLps: p.pointLps });
        const tool = painting();
        cursor.hidden = !tool;
        if (tool) {
          cursor.style.left = `${p.x - p.px}px`;
          cursor.style.top = `${p.y - p.px}px`;
          cursor.style.width = cursor.style.height = `${2 * p.px}px`;
          cursor.dataset.tool = tool;
        }
        const active = own();
        if (active && this.stroking === o) {
          if (active === 'scissors') {
            outline.push(`${p.x},${p.y}`);
            path.setAttribute('points', outline.join(' '));
          }
          this.onStroke?.({ phase: 'move', tool: active, pointLps: p.pointLps, normalLps: p.normalLps, viewUpLps: p.viewUpLps });
        }
      };
      const down = (ev: MouseEvent): void => {
        const tool = own();
        if (!tool || ev.button !== 0) return;
        const p = at(ev);
        if (!p) return;
        ev.preventDefault();
        // Painting takes the keyboard focus back from any field (so Ctrl+Z undoes the stroke).
        if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
        this.stroking = o;
        outline = tool === 'scissors' ? [`${p.x},${p.y}`] : [];
        path.setAttribute('points', outline.join(' '));
        this.onStroke?.({ phase: 'start', tool, pointLps: p.pointLps, normalLps: p.normalLps, viewUpLps: p.viewUpLps });
      };
      const up = (ev: MouseEvent): void => {
        const tool = own();
        if (this.stroking !== o || !tool) return;
        this.stroking = undefined;
        outline = [];
        path.setAttribute('points', '');
        const p = at(ev);
        if (p) this.onStroke?.({ phase: 'end', tool, pointLps: p.pointLps, normalLps: p.normalLps, viewUpLps: p.viewUpLps });
      };
      const leave = (): void => {
        cursor.hidden = true;
        this.onCursor?.(undefined);
      };
      el.addEventListener('mousemove', move);
      el.addEventListener('mousedown', down);
      window.addEventListener('mouseup', up);
      el.addEventListener('mouseleave', leave);
      this.detach.push(() => {
        el.removeEventListener('mousemove', move);
        el.removeEventListener('mousedown', down);
        window.removeEventListener('mouseup', up);
        el.removeEventListener('mouseleave', leave);
        cursor.remove();
        svg.remove();
      });
    }
  }

  private primary: PrimaryTool = 'windowLevel';

  /** Brush size for the cursor outline (mm). */
  setBrushRadius(radiusMm: number): void {
    this.brushRadiusMm = radiusMm;
  }

  /** What the left mouse button does: window/level, ruler (mm), crosshairs, or paint/erase. */
  setPrimaryTool(tool: PrimaryTool): void {
    this.primary = tool;
    const group = ToolGroupManager.getToolGroup(this.toolGroupId);
    if (!group) return;
    const names: Partial<Record<PrimaryTool, string>> = { windowLevel: WindowLevelTool.toolName, ruler: LengthTool.toolName, crosshairs: CrosshairsTool.toolName };
    for (const [t, name] of Object.entries(names)) if (t !== tool && name) group.setToolPassive(name);
    const on = names[tool];
    // Brush and eraser: Cornerstone gets no left button; our stroke listeners paint instead.
    if (on) group.setToolActive(on, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Primary }] });
    for (const c of this.brushCursors) if (!on) c.dataset.tool = tool;
    if (on) for (const c of this.brushCursors) c.hidden = true;
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

  /** The window `show` was given (the MIP of a non-CT volume spans it). */
  private firstWindow?: { center: number; width: number };

  /**
   * Shows `volume` in the three viewports with a window (centre/width in the volume's units).
   * The set-up goes in steps (contexts, the volume's texture, tools and first render) and awaits
   * `gate` before each, so the caller can hold it back while something more urgent runs: on
   * software WebGL each step takes a large share of a second.
   */
  async show(volume: Volume, window: { center: number; width: number }, gate: () => Promise<void> = async () => {}): Promise<void> {
    this.firstWindow = window;
    await gate();
    await initCornerstone();
    await gate();
    if (this.destroyed) return;
    this.dispose();
    const engine = new RenderingEngine(`voxelprint-engine-${this.id}`);
    this.engine = engine;
    const viewportInput: Types.PublicViewportInput[] = MPR_ORIENTATIONS.map((o) => ({
      viewportId: `${o}-${this.id}`,
      type: Enums.ViewportType.ORTHOGRAPHIC,
      element: this.elements[o],
      defaultOptions: { orientation: Enums.OrientationAxis[o.toUpperCase() as 'AXIAL' | 'SAGITTAL' | 'CORONAL'], background: [0, 0, 0] as Types.RGB },
    }));
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
    await gate();
    if (engine !== this.engine) return;
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
    await gate();
    if (engine !== this.engine) return;

    const group = ToolGroupManager.createToolGroup(this.toolGroupId);
    if (group) {
      for (const id of viewportIds) group.addViewport(id, this.engine.id);
      for (const tool of [WindowLevelTool, PanTool, ZoomTool, StackScrollTool, LengthTool]) group.addTool(tool.toolName);
      group.addTool(CrosshairsTool.toolName, { getReferenceLineColor: (viewportId: string) => CROSSHAIR_COLOURS[viewportId.split('-')[0] as MprOrientation] ?? 'rgb(200, 200, 200)' });
      // The ruler's label is the distance between its two points in patient space (LPS mm).
      // Cornerstone's own figure goes through the image's pixel calibration, which on a local
      // volume came out 20% short on the 0.8 × 0.9 mm phantom (see docs/viewer.md).
      group.setToolConfiguration(LengthTool.toolName, { getTextLines: rulerText });
      group.setToolPassive(WindowLevelTool.toolName);
      group.setToolPassive(LengthTool.toolName);
      group.setToolPassive(CrosshairsTool.toolName);
      group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Auxiliary }] });
      group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Secondary }] });
      group.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Wheel }] });
    }
    this.rendering3d = volume.modality === 'CT' ? 'CT-Bone' : 'MR-Default';
    this.setPrimaryTool(this.primary);
    // A local volume draws flat until its texture is marked stale (see shared/STACK.md).
    (csVolume as unknown as { invalidate?: () => void }).invalidate?.();
    this.engine.renderViewports(viewportIds);
    this.shown = { volume, viewportIds };
  }

  private shown?: { volume: Volume; viewportIds: string[] };
  private overlays: { id: string; volumeId: string }[] = [];

  /**
   * Shows a labelmap over the slices: `labels` is displayed in place (Cornerstone's labelmap
   * volume is a view of this very array, no copy), so after an edit only `labelsChanged` is
   * needed. `kind` 'segments' is the segmentation; 'preview' a one-segment threshold preview.
   */
  async showLabelmap(kind: 'segments' | 'preview', labels: Uint8Array): Promise<void> {
    if (!this.engine || !this.shown) return;
    const { volume, viewportIds } = this.shown;
    const segmentationId = `${kind}-${this.id}`;
    if (this.overlays.some((o) => o.id === segmentationId)) return;
    const volumeId = `${segmentationId}-volume-${Date.now()}`;
    const [r, c, n] = volume.directionLps;
    volumeLoader.createLocalVolume(volumeId, {
      scalarData: labels,
      dimensions: [...volume.dimensions] as Types.Point3,
      spacing: [...volume.spacingMm] as Types.Point3,
      origin: [...volume.originLps] as Types.Point3,
      direction: [...r, ...c, ...n] as unknown as Types.Mat3,
      referencedVolumeId: this.volumeId,
      metadata: {
        BitsAllocated: 8,
        BitsStored: 8,
        HighBit: 7,
        SamplesPerPixel: 1,
        PhotometricInterpretation: 'MONOCHROME2',
        PixelRepresentation: 0,
        Modality: 'SEG',
        ImageOrientationPatient: [...r, ...c],
        PixelSpacing: [volume.spacingMm[1], volume.spacingMm[0]],
        FrameOfReferenceUID: `voxelprint-${this.id}`,
        Columns: volume.dimensions[0],
        Rows: volume.dimensions[1],
      } as unknown as Types.Metadata,
    });
    this.overlays.push({ id: segmentationId, volumeId });
    csSegmentation.addSegmentations([{ segmentationId, representation: { type: ToolEnums.SegmentationRepresentations.Labelmap, data: { volumeId } } }]);
    const map: Record<string, { segmentationId: string }[]> = {};
    for (const id of viewportIds) map[id] = [{ segmentationId }];
    await csSegmentation.addLabelmapRepresentationToViewportMap(map);
    csSegmentation.config.style.setStyle({ segmentationId, type: ToolEnums.SegmentationRepresentations.Labelmap }, { fillAlpha: 1, fillAlphaInactive: 1, renderOutline: kind === 'segments', outlineWidth: 1, outlineOpacity: 1, outlineOpacityInactive: 1, renderOutlineInactive: kind === 'segments', outlineWidthInactive: 1 });
    // Styling renders the views once; nothing else to draw until the labels change.
    this.styleSegments(kind, kind === 'preview' ? [{ label: 1, colorRgb: [255, 196, 0], visible: true, opacity: 0.4 }] : this.pendingStyles ?? []);
  }

  /** Styles given before the overlay existed (applied when it is created). */
  private pendingStyles?: readonly SegmentStyle[];
  private readonly styleKeys = new Map<string, string>();
  private overlayVisible = new Map<string, boolean>();

  /** Colours, visibility and opacity of the segments on the slices. */
  styleSegments(kind: 'segments' | 'preview', styles: readonly SegmentStyle[]): void {
    if (kind === 'segments') this.pendingStyles = styles;
    if (!this.shown || !this.overlays.some((o) => o.id === `${kind}-${this.id}`)) return;
    // Every render copies each view's WebGL canvas to the page (seconds in total on software
    // GL): render only when a style actually changed.
    const key = styles.map((st) => `${st.label}:${st.colorRgb.join(',')}:${st.visible}:${st.opacity}`).join('|');
    if (this.styleKeys.get(kind) === key) return;
    this.styleKeys.set(kind, key);
    const segmentationId = `${kind}-${this.id}`;
    for (const viewportId of this.shown.viewportIds) {
      for (const st of styles) {
        csSegmentation.config.color.setSegmentIndexColor(viewportId, segmentationId, st.label, [...st.colorRgb, Math.round(st.opacity * 255)] as Types.Color);
        csSegmentation.config.visibility.setSegmentIndexVisibility(viewportId, { segmentationId, type: ToolEnums.SegmentationRepresentations.Labelmap }, st.label, st.visible);
      }
    }
    this.engine?.renderViewports(this.shown.viewportIds);
  }

  /** Redraws a labelmap after its array changed (inside `box`, or anywhere). */
  labelsChanged(kind: 'segments' | 'preview', box?: VoxelBox): void {
    const segmentationId = `${kind}-${this.id}`;
    if (!this.overlays.some((o) => o.id === segmentationId)) return;
    const slices = box ? Array.from({ length: box.max[2] - box.min[2] }, (_, i) => box.min[2] + i) : undefined;
    csSegmentation.triggerSegmentationEvents.triggerSegmentationDataModified(segmentationId, slices);
  }

  /** Shows or hides a labelmap overlay on all views. */
  setOverlayVisible(kind: 'segments' | 'preview', visible: boolean): void {
    const segmentationId = `${kind}-${this.id}`;
    if (!this.shown || !this.overlays.some((o) => o.id === segmentationId)) return;
    if ((this.overlayVisible.get(kind) ?? true) === visible) return;
    this.overlayVisible.set(kind, visible);
    for (const viewportId of this.shown.viewportIds) csSegmentation.config.visibility.setSegmentationRepresentationVisibility(viewportId, { segmentationId, type: ToolEnums.SegmentationRepresentations.Labelmap }, visible);
    this.engine?.renderViewports(this.shown.viewportIds);
  }

  /** The LPS point at the centre of the view's current slice (where the crosshairs meet on it). */
  focalPointLps(o: MprOrientation): Vec3 | undefined {
    const viewport = this.engine?.getViewport(`${o}-${this.id}`) as Types.IVolumeViewport | undefined;
    const f = viewport?.getCamera().focalPoint;
    return f ? [f[0], f[1], f[2]] : undefined;
  }

  private rendering3d: Rendering3d = 'CT-Bone';
  private shown3d?: Promise<void>;

  /**
   * Sets up the 3D view (volume rendering). Called when its element comes into sight: on a small
   * machine (software WebGL) it costs seconds of the main thread, which the slice views and a
   * first model build need more.
   */
  show3d(): Promise<void> {
    const element = this.elements.volume3d;
    const engine = this.engine;
    const volumeId = this.volumeId;
    if (!element || !engine || !volumeId) return Promise.resolve();
    this.shown3d ??= (async () => {
      const id3d = `volume3d-${this.id}`;
      engine.enableElement({ viewportId: id3d, type: Enums.ViewportType.VOLUME_3D, element, defaultOptions: { orientation: Enums.OrientationAxis.CORONAL, background: [0, 0, 0] as Types.RGB } });
      await setVolumesForViewports(engine, [{ volumeId }], [id3d]);
      if (engine !== this.engine) return;
      const group3d = ToolGroupManager.createToolGroup(this.toolGroup3dId);
      if (group3d) {
        group3d.addViewport(id3d, engine.id);
        for (const tool of [TrackballRotateTool, PanTool, ZoomTool]) group3d.addTool(tool.toolName);
        group3d.setToolActive(TrackballRotateTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Primary }] });
        group3d.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Auxiliary }] });
        group3d.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Secondary }] });
      }
      this.setRendering(this.rendering3d);
    })();
    return this.shown3d;
  }

  /** The 3D view's rendering: a preset, or the maximum-intensity projection. */
  setRendering(rendering: Rendering3d): void {
    this.rendering3d = rendering;
    const viewport = this.engine?.getViewport(`volume3d-${this.id}`) as Types.IVolumeViewport | undefined;
    const actor = viewport?.getDefaultActor()?.actor as unknown as VolumeActorParts | undefined;
    if (!viewport || !actor) return;
    if (rendering === 'MIP') {
      const { lo, hi } = this.mipWindow();
      actor.getMapper()?.setBlendMode(Enums.BlendModes.MAXIMUM_INTENSITY_BLEND);
      const property = actor.getProperty();
      property.setShade(false);
      const colour = property.getRGBTransferFunction(0);
      colour.removeAllPoints();
      colour.addRGBPoint(lo, 0, 0, 0);
      colour.addRGBPoint(hi, 1, 1, 1);
      // Opaque above the ramp's start: the pixel is the grey of the brightest value on its ray.
      const opacity = property.getScalarOpacity(0);
      opacity.removeAllPoints();
      opacity.addPoint(lo, 0);
      opacity.addPoint(lo + (hi - lo) / 100, 1);
    } else {
      actor.getMapper()?.setBlendMode(Enums.BlendModes.COMPOSITE);
      viewport.setProperties({ preset: rendering });
    }
    viewport.render();
  }

  /** The values the MIP's grey ramp spans: fixed HU on CT, the volume's own window otherwise. */
  private mipWindow(): { lo: number; hi: number } {
    if (this.shown?.volume.modality === 'CT') return MIP_WINDOW_CT;
    const w = this.firstWindow ?? { center: 0, width: 1 };
    return { lo: w.center - w.width / 2, hi: w.center + w.width / 2 };
  }

  /** Re-fits the viewports after their elements changed size. */
  resize(): void {
    this.engine?.resize(true, false);
  }

  private destroyed = false;

  /** Releases the views and the pointer listeners. */
  destroy(): void {
    this.destroyed = true;
    this.dispose();
    for (const d of this.detach.splice(0)) d();
  }

  dispose(): void {
    this.shown3d = undefined;
    this.styleKeys.clear();
    this.overlayVisible.clear();
    for (const o of this.overlays.splice(0)) {
      csSegmentation.removeSegmentation(o.id);
      cache.removeVolumeLoadObject(o.volumeId);
    }
    this.shown = undefined;
    ToolGroupManager.destroyToolGroup(this.toolGroupId);
    ToolGroupManager.destroyToolGroup(this.toolGroup3dId);
    this.engine?.destroy();
    this.engine = undefined;
    if (this.volumeId) cache.removeVolumeLoadObject(this.volumeId);
    this.volumeId = undefined;
  }
}
