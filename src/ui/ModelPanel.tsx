import { useEffect, useState } from 'react';
import type { ExportFormat } from '../core/export';
import type { MeshFrame } from '../core/mesh/mesh';
import type { SmoothingLevel } from '../core/mesh/smooth';
import { CT_TISSUE_PRESETS } from '../core/segmentation/presets';
import { CUSTOM_RANGE, useModelStore } from '../store/modelStore';
import type { ModelSummary } from '../store/modelStore';
import { getLabelmap, useSegmentationStore } from '../store/segmentationStore';
import { getVolume } from '../store/volumeRegistry';
import { useStudyStore } from '../store/studyStore';
import { ModelView } from './ModelView';
import { download } from './download';
import { formatFixed, formatUpTo } from './format';

const FORMATS: { id: Exclude<ExportFormat, 'mtl'>; label: string }[] = [
  { id: 'stl', label: 'STL (binary)' },
  { id: 'stl-ascii', label: 'STL (ASCII)' },
  { id: 'obj', label: 'OBJ + MTL' },
  { id: 'ply', label: 'PLY' },
  { id: '3mf', label: '3MF' },
];
const FRAMES: { id: MeshFrame; label: string }[] = [
  { id: 'LPS', label: 'Patient (LPS)' },
  { id: 'RAS', label: 'Patient (RAS)' },
  { id: 'print', label: 'Print bed (z = 0)' },
];
const PHASES = { segment: 'Keeping the largest piece', surface: 'Extracting the surface', finish: 'Smoothing, reducing and measuring' };

const fmt = formatFixed;

/** "Create model": tissue range → surface in the mesh workers → stats → export. */
export function ModelPanel() {
  const volumeId = useStudyStore((s) => s.volumeId);
  const studyStatus = useStudyStore((s) => s.status);
  const m = useModelStore();
  const [format, setFormat] = useState<Exclude<ExportFormat, 'mtl'>>('stl');
  const [frame, setFrame] = useState<MeshFrame>('LPS');
  const segments = useSegmentationStore((st) => st.segments);
  const filled = segments.filter((sg) => sg.voxels > 0 && sg.visible);
  const initForVolume = m.initForVolume;
  useEffect(() => initForVolume(volumeId), [initForVolume, volumeId]);
  if (studyStatus !== 'ready' || !volumeId) return null;
  const volume = getVolume(volumeId);
  const unit = volume?.unit ?? '';
  const isCt = volume?.modality === 'CT';
  return (
    <section className="model" aria-label="Model">
      <h2>Model</h2>
      <div className="model-settings">
        <label>
          Build from{' '}
          <select aria-label="Build from" value={m.source} onChange={(e) => m.set({ source: e.target.value as 'range' | 'segments' })} disabled={m.status === 'building'}>
            <option value="range">Tissue range</option>
            <option value="segments" disabled={!filled.length}>
              Visible segments ({filled.length})
            </option>
          </select>
        </label>
        <label>
          Tissue{' '}
          <select aria-label="Tissue" value={m.presetId} onChange={(e) => m.set({ presetId: e.target.value })} disabled={m.status === 'building'}>
            {isCt &&
              CT_TISSUE_PRESETS.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label} ({p.lo} to {p.hi} HU)
                </option>
              ))}
            <option value={CUSTOM_RANGE}>Custom range</option>
          </select>
        </label>
        {m.presetId === CUSTOM_RANGE && (
          <span className="range-inputs">
            <label>
              From{' '}
              <input
                type="number"
                aria-label="Range from"
                value={m.customRange.lo}
                onChange={(e) => m.set({ customRange: { ...m.customRange, lo: e.target.valueAsNumber } })}
                disabled={m.status === 'building'}
              />
            </label>
            <label>
              to{' '}
              <input
                type="number"
                aria-label="Range to"
                value={m.customRange.hi}
                onChange={(e) => m.set({ customRange: { ...m.customRange, hi: e.target.valueAsNumber } })}
                disabled={m.status === 'building'}
              />{' '}
              {unit}
            </label>
          </span>
        )}
        <label>
          <input type="checkbox" checked={m.showRange} onChange={(e) => m.set({ showRange: e.target.checked })} /> Show range on slices
        </label>
        <label>
          <input type="checkbox" checked={m.keepLargest} onChange={(e) => m.set({ keepLargest: e.target.checked })} disabled={m.status === 'building'} /> Keep
          largest piece
        </label>
        <label>
          Smoothing{' '}
          <select aria-label="Smoothing" value={m.smoothing} onChange={(e) => m.set({ smoothing: e.target.value as SmoothingLevel })} disabled={m.status === 'building'}>
            {(['off', 'low', 'medium', 'high'] as const).map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label>
          Reduce triangles{' '}
          <select aria-label="Reduce triangles" value={m.decimate} onChange={(e) => m.set({ decimate: Number(e.target.value) })} disabled={m.status === 'building'}>
            {[0, 0.5, 0.8, 0.9].map((r) => (
              <option key={r} value={r}>
                {r === 0 ? 'off' : `by ${r * 100}%`}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void m.build(volumeId, filled, getLabelmap())} disabled={m.status === 'building'}>
          Create model
        </button>
      </div>
      {m.status === 'building' && (
        <div className="progress" role="status" aria-label="Model progress">
          <span>{m.progress ? `${m.progress.model && m.source === 'segments' ? `${m.progress.model}: ` : ''}${PHASES[m.progress.phase]} ${m.progress.phase === 'surface' ? `${m.progress.done} / ${m.progress.total}` : ''}` : 'Starting'}</span>
          <progress aria-label="Model progress" max={m.progress?.total || 1} value={m.progress?.done ?? 0} />
          <button type="button" onClick={m.cancel}>
            Cancel model
          </button>
        </div>
      )}
      {m.status === 'error' && (
        <p role="alert" className="error">
          {m.error}
        </p>
      )}
      {/* The preview appears when a build starts: its bed is drawn and its shaders compiled meanwhile. */}
      {(m.status === 'building' || m.summaries.length > 0) && <ModelView />}
      {m.summaries.length > 0 && (
        <>
          {m.summaries.map((sm) => (
            <ModelStats key={sm.name} s={sm} opacity={m.summaries.length > 1 ? (m.modelOpacity[sm.name] ?? m.opacity) : undefined} onOpacity={(v) => m.setModelOpacity(sm.name, v)} />
          ))}
          <div className="model-export">
            <label>
              Format{' '}
              <select aria-label="Format" value={format} onChange={(e) => setFormat(e.target.value as Exclude<ExportFormat, 'mtl'>)}>
                {FORMATS.map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.label}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Frame{' '}
              <select aria-label="Frame" value={frame} onChange={(e) => setFrame(e.target.value as MeshFrame)}>
                {FRAMES.map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.label}
                  </option>
                ))}
              </select>
            </label>
            {m.summaries.length > 1 && (
              <label>
                <input type="checkbox" checked={m.perSegment} onChange={(e) => m.set({ perSegment: e.target.checked })} /> One file per segment
              </label>
            )}
            <button
              type="button"
              onClick={() => void m.exportFiles(format, frame).then((files) => files.forEach((f) => download(f.fileName, f.blob)))}
              disabled={m.exporting}
              aria-busy={m.exporting}
            >
              Export
            </button>
            {m.exporting && <span className="model-exporting">Writing the file…</span>}
          </div>
          {m.exportError && (
            <p role="alert" className="error">
              {m.exportError}
            </p>
          )}
        </>
      )}
    </section>
  );
}

/** Volume, area, size, triangles, shells, watertightness and deviations of one model. */
function ModelStats({ s, opacity, onOpacity }: { s: ModelSummary; opacity?: number; onOpacity: (v: number) => void }) {
  const size = [0, 1, 2].map((a) => s.stats.bboxMm.max[a] - s.stats.bboxMm.min[a]);
  return (
    <dl className="model-stats" aria-label={`Model statistics: ${s.name}`}>
      <dt>Model</dt>
      <dd>
        <span data-testid="model-name">{s.name}</span>
        {opacity !== undefined && (
          <input
            type="range"
            aria-label={`Opacity of model ${s.name}`}
            min={0.1}
            max={1}
            step={0.05}
            value={opacity}
            onChange={(e) => onOpacity(Number(e.target.value))}
          />
        )}
      </dd>
      <dt>Volume</dt>
      <dd data-testid="model-volume-mm3" data-value={s.stats.volumeMm3}>
        {fmt(s.stats.volumeMm3 / 1000, 2)} cm³
      </dd>
      <dt>Surface area</dt>
      <dd>{fmt(s.stats.areaMm2 / 100, 1)} cm²</dd>
      <dt>Size (x × y × z)</dt>
      <dd data-testid="model-size-mm">{size.map((v) => fmt(v, 1)).join(' × ')} mm</dd>
      <dt>Triangles</dt>
      <dd data-testid="model-triangles">{formatUpTo(s.stats.triangles)}</dd>
      <dt>Shells</dt>
      <dd data-testid="model-shells">{s.stats.shells}</dd>
      <dt>Watertight</dt>
      <dd data-testid="model-watertight">{s.stats.watertight && s.stats.manifold ? 'yes' : 'no'}</dd>
      <dt>Smoothing deviation</dt>
      <dd data-testid="model-smoothing-deviation" data-state={s.measuringDeviation ? 'measuring' : 'done'}>
        {!s.smoothing
          ? 'off'
          : s.smoothing.deviation
            ? `${s.smoothingLevel}: max ${fmt(s.smoothing.deviation.maxMm, 2)} mm, mean ${fmt(s.smoothing.deviation.meanMm, 2)} mm`
            : `${s.smoothingLevel}: measuring… (vertices moved at most ${fmt(s.smoothing.maxDisplacementMm, 2)} mm)`}
      </dd>
      <dt>Triangle reduction</dt>
      <dd data-testid="model-decimation">
        {s.decimation
          ? `${formatUpTo(s.decimation.trianglesBefore)} → ${formatUpTo(s.decimation.trianglesAfter)}${s.decimation.deviation ? `, deviation max ${fmt(s.decimation.deviation.maxMm, 2)} mm, mean ${fmt(s.decimation.deviation.meanMm, 2)} mm` : ''}`
          : 'off'}
      </dd>
      <dt>Built</dt>
      <dd data-testid="model-engine">
        {s.kernel === 'wasm' ? 'WebAssembly' : 'TypeScript'} mesher, {s.parts} worker{s.parts > 1 ? 's' : ''}, {fmt(s.seconds, 1)} s
      </dd>
    </dl>
  );
}
