import { useEffect, useMemo, useRef, useState } from 'react';
import { renderSlice, sliceVolume, windowPresetsFor } from '../core/volume/slice';
import { selectedRange, useModelStore } from '../store/modelStore';
import { useStudyStore } from '../store/studyStore';
import { getVolume } from '../store/volumeRegistry';

/**
 * A single acquisition slice of the volume (the full MPR viewer comes with Cornerstone). While a
 * volume loads it shows the slices decoded so far: the middle one comes first.
 */
export function SliceView() {
  const volumeId = useStudyStore((s) => s.volumeId);
  const preview = useStudyStore((s) => s.preview);
  const loaded = getVolume(volumeId);
  const volume = loaded ?? preview?.volume;
  // Per slice, 1 once decoded; undefined when the whole volume is in.
  const ready = loaded ? undefined : preview?.sliceReady;
  const canvas = useRef<HTMLCanvasElement>(null);
  const [k, setK] = useState(0);
  const [presetIndex, setPresetIndex] = useState(0);
  // The model's range, tinted on the slice while the user chooses it (threshold preview).
  const showRange = useModelStore((s) => s.showRange);
  const presetId = useModelStore((s) => s.presetId);
  const customRange = useModelStore((s) => s.customRange);
  const range = useMemo(() => (showRange ? selectedRange({ presetId, customRange }) : undefined), [showRange, presetId, customRange]);

  const nz = volume?.dimensions[2] ?? 0;
  const mid = Math.floor(nz / 2);
  const midReady = !ready || ready[mid] === 1;
  const kReady = !ready || ready[k] === 1;
  // While loading, windows come from the middle slice (a histogram of a half-empty volume says
  // nothing); once the volume is in, from all of it.
  const presets = useMemo(() => (!volume || !midReady ? [] : windowPresetsFor(ready ? sliceVolume(volume, mid) : volume)), [volume, midReady, ready, mid]);

  // A new series (not the same one going from loading to loaded) opens at its middle slice.
  const seriesKey = volume ? `${volume.seriesInstanceUid ?? ''}|${volume.dimensions.join('×')}` : '';
  useEffect(() => {
    setK(mid);
    setPresetIndex(0);
  }, [seriesKey, mid]);

  useEffect(() => {
    const c = canvas.current;
    if (!c || !volume) return;
    if (!kReady) {
      // Not decoded yet: an empty slice of the right size, not the last one drawn.
      c.getContext('2d')?.clearRect(0, 0, c.width, c.height);
      return;
    }
    if (!presets[presetIndex]) return;
    const img = renderSlice(volume, k, presets[presetIndex], range ? { range, rgb: [40, 220, 140], alpha: 0.45 } : undefined);
    c.width = img.width;
    c.height = img.height;
    // Display with square pixels in millimetres.
    const aspect = volume.spacingMm[1] / volume.spacingMm[0];
    c.style.aspectRatio = `${img.width} / ${img.height * aspect}`;
    c.getContext('2d')?.putImageData(new ImageData(img.rgba, img.width, img.height), 0, 0);
  }, [volume, k, kReady, presets, presetIndex, range]);

  if (!volume) return null;
  const [nx, ny] = volume.dimensions;
  return (
    <section className="slice-view" aria-label="Slice viewer" data-state={ready ? 'loading' : 'ready'}>
      <div className="slice-canvas-wrap">
        <canvas ref={canvas} aria-label={`Slice ${k + 1} of ${nz}`} data-testid="slice-canvas" />
        {!kReady && <p className="slice-pending">Slice {k + 1} is still loading…</p>}
      </div>
      <div className="slice-controls">
        <label>
          Slice {k + 1} / {nz}
          <input type="range" min={0} max={nz - 1} value={k} aria-label="Slice" onChange={(e) => setK(Number(e.currentTarget.value))} />
        </label>
        <label>
          Window
          <select aria-label="Window preset" value={presetIndex} onChange={(e) => setPresetIndex(Number(e.currentTarget.value))}>
            {presets.map((w, i) => (
              <option key={i} value={i}>
                {w.label} (L {Math.round(w.center)} / W {Math.round(w.width)})
              </option>
            ))}
          </select>
        </label>
        {ready && preview && (
          <p className="slice-loading">
            {preview.slicesReady} of {nz} slices loaded
          </p>
        )}
        <p className="geometry">
          {nx} × {ny} × {nz} voxels · {volume.spacingMm.map((s) => Math.round(s * 1000) / 1000).join(' × ')} mm · {volume.modality}
          {volume.unit ? ` (${volume.unit})` : ''} · {volume.voxels instanceof Int16Array ? 'int16' : 'float32'}
        </p>
        {volume.warnings.length > 0 && (
          <ul className="warnings" aria-label="Volume warnings">
            {volume.warnings.map((w, i) => (
              <li key={i}>{w.message}</li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
