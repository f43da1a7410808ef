import { useEffect, useMemo, useRef, useState } from 'react';
import { renderSlice, windowPresetsFor } from '../core/volume/slice';
import { selectedRange, useModelStore } from '../store/modelStore';
import { useStudyStore } from '../store/studyStore';
import { getVolume } from '../store/volumeRegistry';

/** A single acquisition slice of the loaded volume (the full MPR viewer comes with Cornerstone). */
export function SliceView() {
  const volumeId = useStudyStore((s) => s.volumeId);
  const volume = getVolume(volumeId);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [k, setK] = useState(0);
  const presets = useMemo(() => (volume ? windowPresetsFor(volume) : []), [volume]);
  const [presetIndex, setPresetIndex] = useState(0);
  // The model's range, tinted on the slice while the user chooses it (threshold preview).
  const showRange = useModelStore((s) => s.showRange);
  const presetId = useModelStore((s) => s.presetId);
  const customRange = useModelStore((s) => s.customRange);
  const range = useMemo(() => (showRange ? selectedRange({ presetId, customRange }) : undefined), [showRange, presetId, customRange]);

  useEffect(() => {
    if (volume) {
      setK(Math.floor(volume.dimensions[2] / 2));
      setPresetIndex(0);
    }
  }, [volume]);

  useEffect(() => {
    const c = canvas.current;
    if (!volume || !c || !presets[presetIndex]) return;
    const img = renderSlice(volume, k, presets[presetIndex], range ? { range, rgb: [40, 220, 140], alpha: 0.45 } : undefined);
    c.width = img.width;
    c.height = img.height;
    // Display with square pixels in millimetres.
    const aspect = volume.spacingMm[1] / volume.spacingMm[0];
    c.style.aspectRatio = `${img.width} / ${img.height * aspect}`;
    c.getContext('2d')?.putImageData(new ImageData(img.rgba, img.width, img.height), 0, 0);
  }, [volume, k, presets, presetIndex, range]);

  if (!volume) return null;
  const [nx, ny, nz] = volume.dimensions;
  return (
    <section className="slice-view" aria-label="Slice viewer">
      <canvas ref={canvas} aria-label={`Slice ${k + 1} of ${nz}`} data-testid="slice-canvas" />
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
