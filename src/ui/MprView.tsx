import { useEffect, useMemo, useRef, useState } from 'react';
import { windowPresetsFor } from '../core/volume/slice';
import { sampleNearest } from '../core/volume/volume';
import { MPR_ORIENTATIONS, MprViewer, RENDERINGS_CT, RENDERINGS_MR, softwareGraphics } from '../viewer/mprViewer';
import type { CursorEvent, MprOrientation, PrimaryTool, Rendering3d } from '../viewer/mprViewer';
import type { StrokeEvent } from '../viewer/mprViewer';
import { useStudyStore } from '../store/studyStore';
import { getVolume } from '../store/volumeRegistry';
import { getLabelmap, getRangePreview, useSegmentationStore } from '../store/segmentationStore';
import { modelBusy, selectedRange, useModelStore } from '../store/modelStore';

/** Left-button tools, their keys and tooltips. */
const TOOLS: { id: PrimaryTool; label: string; key: string; title: string }[] = [
  { id: 'windowLevel', label: 'Window/level', key: 'W', title: 'Window/level: drag' },
  { id: 'ruler', label: 'Ruler', key: 'M', title: 'Ruler in mm: drag from point to point' },
  { id: 'crosshairs', label: 'Crosshairs', key: 'C', title: 'Crosshairs: click or drag to move the other views to a point' },
  { id: 'brush', label: 'Brush', key: 'B', title: 'Brush: paint the active segment' },
  { id: 'eraser', label: 'Eraser', key: 'E', title: 'Eraser: remove from the active segment' },
  { id: 'scissors', label: 'Scissors', key: 'X', title: 'Scissors: draw a shape to cut through the volume along the view' },
  { id: 'pick', label: 'Pick piece', key: 'P', title: 'Pick piece: click a piece of the active segment to keep or remove it' },
];

const TITLES: Record<MprOrientation, string> = { axial: 'Axial', sagittal: 'Sagittal', coronal: 'Coronal' };
const fmt = (x: number, d: number): string => x.toFixed(d);

/**
 * Resolves once the model side is quiet (nothing being built, exported or drawn for the first
 * time: `modelBusy`) and the page is idle. Setting up the views (WebGL contexts, shaders, volume
 * textures, first renders) takes seconds of the main thread when WebGL runs on the CPU, and a
 * model asked for right after loading needs that thread and those cores more: its progress, its
 * preview and its export wait behind every long task.
 */
function whenQuiet(live: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (!live()) return;
      if (modelBusy(useModelStore.getState())) {
        const stop = useModelStore.subscribe((s) => {
          if (modelBusy(s)) return;
          stop();
          check();
        });
        return;
      }
      requestIdleCallback(() => (modelBusy(useModelStore.getState()) ? check() : resolve()), { timeout: 100 });
    };
    check();
  });
}

/** Axial, sagittal and coronal views of the loaded volume (Cornerstone3D lives in src/viewer). */
export function MprView() {
  const volumeId = useStudyStore((s) => s.volumeId);
  const volume = getVolume(volumeId);
  const axialRef = useRef<HTMLDivElement>(null);
  const sagittalRef = useRef<HTMLDivElement>(null);
  const coronalRef = useRef<HTMLDivElement>(null);
  const volume3dRef = useRef<HTMLDivElement>(null);
  const [rendering, setRendering] = useState<Rendering3d>('CT-Bone');
  const viewerRef = useRef<MprViewer | undefined>(undefined);
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  // On software graphics the 3D view renders only when asked (see softwareGraphics).
  const [want3d, setWant3d] = useState(() => !softwareGraphics());
  const [state3d, setState3d] = useState<'off' | 'waiting' | 'ready'>('waiting');
  const [error, setError] = useState<string>();
  const [cursor, setCursor] = useState<CursorEvent>();
  const presets = useMemo(() => (volume ? windowPresetsFor(volume) : []), [volume]);
  const [presetIndex, setPresetIndex] = useState(0);
  const [tool, setTool] = useState<PrimaryTool>('windowLevel');
  const toolRef = useRef<PrimaryTool>('windowLevel');
  const choose = (t: PrimaryTool): void => {
    setTool(t);
    toolRef.current = t;
    viewerRef.current?.setPrimaryTool(t);
  };


  const brush = useSegmentationStore((st) => st.brush);
  const pickAction = useSegmentationStore((st) => st.pickAction);
  const setPickAction = useSegmentationStore((st) => st.setPickAction);
  const setBrush = useSegmentationStore((st) => st.setBrush);
  const segments = useSegmentationStore((st) => st.segments);
  const revision = useSegmentationStore((st) => st.revision);
  const showRange = useModelStore((st) => st.showRange);
  // Select the inputs, not a derived object: a new object per call would re-render forever.
  const presetId = useModelStore((st) => st.presetId);
  const customRange = useModelStore((st) => st.customRange);
  const range = useMemo(() => selectedRange({ presetId, customRange }), [presetId, customRange]);
  const rangeKey = range ? `${range.lo}:${range.hi}` : '';

  // Keyboard shortcuts (shown in the buttons' tooltips): W, M, C, B, E; [ and ] brush size.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.ctrlKey || e.metaKey || e.altKey) return;
      const tool = TOOLS.find((t) => t.key === e.key.toUpperCase());
      if (tool) choose(tool.id);
      const { brush: b, setBrush: set } = useSegmentationStore.getState();
      if (e.key === '[') set({ radiusMm: Math.max(0.5, b.radiusMm - 0.5) });
      if (e.key === ']') set({ radiusMm: Math.min(50, b.radiusMm + 0.5) });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    const axial = axialRef.current;
    const sagittal = sagittalRef.current;
    const coronal = coronalRef.current;
    const volume3d = volume3dRef.current ?? undefined;
    if (!volume || !axial || !sagittal || !coronal) return;
    let cutPath: StrokeEvent['pointLps'][] = [];
    const onStroke = (e: StrokeEvent): void => {
      const seg = useSegmentationStore.getState();
      if (e.tool === 'scissors') {
        if (e.phase === 'start') cutPath = [];
        cutPath.push(e.pointLps);
        if (e.phase === 'end') seg.cut(cutPath, e.normalLps, e.viewUpLps);
        return;
      }
      if (e.tool === 'pick') {
        if (e.phase === 'end') seg.pick(e.pointLps);
        return;
      }
      if (e.phase === 'start') {
        const m = useModelStore.getState();
        seg.beginStroke(e.tool, e.pointLps, e.normalLps, seg.brush.limitToRange ? selectedRange(m) : undefined);
      } else if (e.phase === 'move') seg.extendStroke(e.pointLps);
      else seg.endStroke();
    };
    const viewer = new MprViewer({ axial, sagittal, coronal, volume3d }, setCursor, onStroke);
    viewer.setPrimaryTool(toolRef.current);
    setRendering(volume.modality === 'CT' ? 'CT-Bone' : 'MR-Default');
    viewerRef.current = viewer;
    let live = true;
    setState('loading');
    setPresetIndex(0);
    const quiet = (): Promise<void> => whenQuiet(() => live);
    viewer
      .show(volume, windowPresetsFor(volume)[0], quiet)
      .then(async () => {
        const labels = getLabelmap();
        await quiet();
        if (labels && live) await viewer.showLabelmap('segments', labels);
        if (live) setState('ready');
      })
      .catch((e: Error) => {
        if (!live) return;
        setState('error');
        setError(e.message);
      });
    const observer = new ResizeObserver(() => viewer.resize());
    observer.observe(axial);
    return () => {
      live = false;
      observer.disconnect();
      viewer.destroy();
      viewerRef.current = undefined;
    };
  }, [volume]);

  // The segmentation on the slices: colours/visibility, and the changed slices after each edit.
  useEffect(() => {
    if (state === 'ready') viewerRef.current?.styleSegments('segments', segments);
  }, [segments, state]);
  useEffect(() => {
    if (state === 'ready') viewerRef.current?.labelsChanged('segments', useSegmentationStore.getState().changedBox);
  }, [revision, state]);
  useEffect(() => viewerRef.current?.setBrushRadius(brush.radiusMm), [brush.radiusMm, state]);
  // The 3D view is set up when it first comes into sight (see MprViewer.show3d).
  useEffect(() => {
    const el = volume3dRef.current;
    const viewer = viewerRef.current;
    if (state !== 'ready' || !el || !viewer) return;
    if (!want3d) {
      setState3d('off');
      return;
    }
    setState3d('waiting');
    let live = true;
    const observer = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      observer.disconnect();
      void viewer.show3d().then(() => live && setState3d('ready'));
    });
    observer.observe(el);
    return () => {
      live = false;
      observer.disconnect();
    };
  }, [state, want3d]);
  // The threshold range tinted on the slices (the same preview as the single-slice view).
  useEffect(() => {
    const viewer = viewerRef.current;
    if (state !== 'ready' || !viewer) return;
    if (!(showRange && range)) {
      viewer.setOverlayVisible('preview', false);
      return;
    }
    // After the next frame: the single-slice view's tint (cheap) is drawn first; the whole
    // volume's mask for these views follows.
    const timer = setTimeout(() => {
      const preview = getRangePreview(range);
      if (!preview) return;
      void viewer.showLabelmap('preview', preview).then(() => {
        viewer.labelsChanged('preview');
        viewer.setOverlayVisible('preview', true);
      });
    }, 16);
    return () => clearTimeout(timer);
  }, [rangeKey, showRange, state]);

  if (!volume) return null;
  const sample = cursor ? sampleNearest(volume, cursor.pointLps) : undefined;
  const unit = volume.unit === 'HU' ? 'HU' : volume.unit || '';
  return (
    <section className="mpr" aria-label="Views" data-state={state}>
      <div className="mpr-toolbar">
        <div role="group" aria-label="Left mouse button" className="tool-buttons">
          {TOOLS.map((t) => (
            <button key={t.id} type="button" aria-pressed={tool === t.id} title={`${t.title} (${t.key})`} onClick={() => choose(t.id)}>
              {t.label}
            </button>
          ))}
        </div>
        {(tool === 'brush' || tool === 'eraser') && (
          <div role="group" aria-label="Brush settings" className="brush-settings">
            <label title="Brush radius in mm ([ and ] change it)">
              Radius{' '}
              <input
                type="number"
                aria-label="Brush radius (mm)"
                min={0.5}
                max={50}
                step={0.5}
                value={brush.radiusMm}
                onChange={(e) => e.target.valueAsNumber > 0 && setBrush({ radiusMm: e.target.valueAsNumber })}
              />{' '}
              mm
            </label>
            <label title="Sphere: paint through neighbouring slices too (3D); circle: this slice only">
              <input type="checkbox" checked={brush.shape === 'sphere'} onChange={(e) => setBrush({ shape: e.target.checked ? 'sphere' : 'circle' })} /> 3D sphere
            </label>
            <label title="Paint only voxels inside the threshold range (e.g. only bone)">
              <input type="checkbox" checked={brush.limitToRange} onChange={(e) => setBrush({ limitToRange: e.target.checked })} /> Only in range
              {range ? ` (${range.lo} to ${range.hi})` : ''}
            </label>
          </div>
        )}
        {tool === 'scissors' && <ScissorsSettingsBar />}
        {tool === 'pick' && (
          <label>
            Clicked piece{' '}
            <select aria-label="Clicked piece" value={pickAction} onChange={(e) => setPickAction(e.target.value as 'keep-piece' | 'remove-piece')}>
              <option value="keep-piece">keep it, remove the rest</option>
              <option value="remove-piece">remove it</option>
            </select>
          </label>
        )}
        <label>
          Window{' '}
          <select
            aria-label="View window"
            value={presetIndex}
            onChange={(e) => {
              const i = Number(e.target.value);
              setPresetIndex(i);
              viewerRef.current?.setWindow(presets[i]);
            }}
          >
            {presets.map((w, i) => (
              <option key={`${w.label}-${i}`} value={i}>
                {w.label} (L {w.center} / W {w.width})
              </option>
            ))}
          </select>
        </label>
        <output aria-label="Under the cursor" data-value={sample?.value}>
          {cursor
            ? `${TITLES[cursor.orientation]} · LPS ${cursor.pointLps.map((v) => fmt(v, 1)).join(', ')} mm · ${sample ? `${sample.value} ${unit}` : 'outside the volume'}`
            : 'Point at a view for the value and position under the cursor'}
        </output>
        <span className="mpr-help">Right-drag: zoom · middle-drag: pan · wheel: slices</span>
      </div>
      {MPR_ORIENTATIONS.map((o) => (
        <figure key={o}>
          <div
            ref={o === 'axial' ? axialRef : o === 'sagittal' ? sagittalRef : coronalRef}
            className="mpr-viewport"
            aria-label={`${TITLES[o]} view`}
            data-testid={`mpr-${o}`}
            onContextMenu={(e) => e.preventDefault()}
          />
          <figcaption>{TITLES[o]}</figcaption>
        </figure>
      ))}
      <figure>
        <div className="mpr-3d-frame">
          <div ref={volume3dRef} className="mpr-viewport" aria-label="3D view" data-testid="mpr-volume3d" data-state={state3d} onContextMenu={(e) => e.preventDefault()} />
          {!want3d && (
            <div className="mpr-3d-off">
              <button type="button" onClick={() => setWant3d(true)}>
                Show 3D rendering
              </button>
              <p>This computer draws 3D without a graphics card: each 3D frame takes seconds, so it starts when you ask.</p>
            </div>
          )}
        </div>
        <figcaption>
          3D{' '}
          <select
            aria-label="3D rendering"
            value={rendering}
            onChange={(e) => {
              const r = e.target.value as Rendering3d;
              setRendering(r);
              viewerRef.current?.setRendering(r);
            }}
          >
            {(volume.modality === 'CT' ? RENDERINGS_CT : RENDERINGS_MR).map((r) => (
              <option key={r} value={r}>
                {r === 'MIP' ? 'MIP (maximum intensity)' : r.replace(/^(CT|MR)-/, '').replace('-', ' ')}
              </option>
            ))}
          </select>{' '}
          <span className="mpr-help">drag: rotate</span>
        </figcaption>
      </figure>
      {state === 'error' && (
        <p role="alert" className="error">
          The views could not be drawn: {error}
        </p>
      )}
    </section>
  );
}

/** Shape, side, operation and depth of the scissors. */
function ScissorsSettingsBar() {
  const sc = useSegmentationStore((st) => st.scissors);
  const set = useSegmentationStore((st) => st.setScissors);
  return (
    <div role="group" aria-label="Scissors settings" className="brush-settings">
      <select aria-label="Scissors shape" value={sc.shape} onChange={(e) => set({ shape: e.target.value as typeof sc.shape })}>
        <option value="freehand">freehand</option>
        <option value="rectangle">rectangle</option>
        <option value="circle">circle</option>
      </select>
      <select aria-label="Scissors operation" value={`${sc.operation}-${sc.side}`} onChange={(e) => {
        const [operation, side] = e.target.value.split('-') as [typeof sc.operation, typeof sc.side];
        set({ operation, side });
      }}>
        <option value="erase-inside">erase inside</option>
        <option value="erase-outside">erase outside</option>
        <option value="fill-inside">fill inside</option>
        <option value="fill-outside">fill outside</option>
      </select>
      <label title="0: cut through the whole volume; otherwise only within this distance of the slice">
        depth ±<input type="number" aria-label="Scissors depth (mm)" min={0} step={1} value={sc.depthMm} onChange={(e) => set({ depthMm: Math.max(0, e.target.valueAsNumber || 0) })} /> mm
      </label>
      <label>
        <input type="checkbox" checked={sc.allSegments} onChange={(e) => set({ allSegments: e.target.checked })} /> all segments
      </label>
    </div>
  );
}
