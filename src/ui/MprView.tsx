import { useEffect, useMemo, useRef, useState } from 'react';
import { windowPresetsFor } from '../core/volume/slice';
import { sampleNearest } from '../core/volume/volume';
import { MPR_ORIENTATIONS, MprViewer, RENDERINGS_CT, RENDERINGS_MR } from '../viewer/mprViewer';
import type { CursorEvent, MprOrientation, PrimaryTool, Rendering3d } from '../viewer/mprViewer';
import { useStudyStore } from '../store/studyStore';
import { getVolume } from '../store/volumeRegistry';

const TITLES: Record<MprOrientation, string> = { axial: 'Axial', sagittal: 'Sagittal', coronal: 'Coronal' };
const fmt = (x: number, d: number): string => x.toFixed(d);

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
  const [error, setError] = useState<string>();
  const [cursor, setCursor] = useState<CursorEvent>();
  const presets = useMemo(() => (volume ? windowPresetsFor(volume) : []), [volume]);
  const [presetIndex, setPresetIndex] = useState(0);
  const [tool, setTool] = useState<PrimaryTool>('windowLevel');
  const choose = (t: PrimaryTool): void => {
    setTool(t);
    viewerRef.current?.setPrimaryTool(t);
  };

  // Keyboard shortcuts (shown in the buttons' tooltips): W window/level, M measure.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'w' || e.key === 'W') choose('windowLevel');
      if (e.key === 'm' || e.key === 'M') choose('ruler');
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
    const viewer = new MprViewer({ axial, sagittal, coronal, volume3d }, setCursor);
    setRendering(volume.modality === 'CT' ? 'CT-Bone' : 'MR-Default');
    viewerRef.current = viewer;
    let live = true;
    setState('loading');
    setPresetIndex(0);
    viewer
      .show(volume, windowPresetsFor(volume)[0])
      .then(() => live && setState('ready'))
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

  if (!volume) return null;
  const sample = cursor ? sampleNearest(volume, cursor.pointLps) : undefined;
  const unit = volume.unit === 'HU' ? 'HU' : volume.unit || '';
  return (
    <section className="mpr" aria-label="Views" data-state={state}>
      <div className="mpr-toolbar">
        <div role="group" aria-label="Left mouse button" className="tool-buttons">
          <button type="button" aria-pressed={tool === 'windowLevel'} title="Window/level: drag (W)" onClick={() => choose('windowLevel')}>
            Window/level
          </button>
          <button type="button" aria-pressed={tool === 'ruler'} title="Ruler in mm: drag from point to point (M)" onClick={() => choose('ruler')}>
            Ruler
          </button>
        </div>
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
        <div ref={volume3dRef} className="mpr-viewport" aria-label="3D view" data-testid="mpr-volume3d" onContextMenu={(e) => e.preventDefault()} />
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
                {r.replace(/^(CT|MR)-/, '').replace('-', ' ')}
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
