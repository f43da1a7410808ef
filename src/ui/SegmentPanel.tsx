import { useEffect, useState } from 'react';
import { useSegmentationStore } from '../store/segmentationStore';
import type { SegmentView } from '../store/segmentationStore';
import { selectedRange, useModelStore } from '../store/modelStore';
import { useStudyStore } from '../store/studyStore';
import { getVolume } from '../store/volumeRegistry';
import { download } from './download';
import { EffectsPanel } from './EffectsPanel';
import { formatFixed, formatUpTo } from './format';

const hex = (c: readonly number[]): string => `#${c.map((x) => x.toString(16).padStart(2, '0')).join('')}`;
const rgb = (h: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];

/** Fields where Ctrl+Z is the field's own text undo. */
const isTextField = (t: EventTarget | null): boolean =>
  t instanceof HTMLTextAreaElement || (t instanceof HTMLInputElement && ['text', 'number', 'search', 'email', 'url'].includes(t.type));

/** The segment list (add, rename, colour, show, opacity, delete), threshold into a segment, undo/redo, recipe. */
export function SegmentPanel() {
  const volumeId = useStudyStore((s) => s.volumeId);
  const status = useStudyStore((s) => s.status);
  const st = useSegmentationStore();
  const model = useModelStore();
  const [region, setRegion] = useState<string>('all');
  const init = st.initForVolume;
  useEffect(() => init(volumeId), [init, volumeId]);

  // Ctrl+Z undo, Ctrl+Shift+Z / Ctrl+Y redo (not while typing in a field).
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (!(e.ctrlKey || e.metaKey) || isTextField(e.target)) return;
      const key = e.key.toLowerCase();
      const { undo, redo } = useSegmentationStore.getState();
      if (key === 'z' && !e.shiftKey) undo();
      else if ((key === 'z' && e.shiftKey) || key === 'y') redo();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const volume = getVolume(volumeId);
  if (status !== 'ready' || !volume) return null;
  const voxelMm3 = volume.spacingMm[0] * volume.spacingMm[1] * volume.spacingMm[2];
  const range = selectedRange(model);
  const active = st.segments.find((s) => s.label === st.activeLabel);
  const insideLabel = region.startsWith('inside-') ? Number(region.slice(7)) : undefined;
  return (
    <section className="segments" aria-label="Segments">
      <h2>Segments</h2>
      <div className="segment-actions">
        <button type="button" onClick={() => st.addSegment()}>
          Add segment
        </button>
        <button type="button" onClick={st.undo} disabled={!st.canUndo} title={`Undo${st.undoLabel ? ` ${st.undoLabel}` : ''} (Ctrl+Z)`}>
          Undo
        </button>
        <button type="button" onClick={st.redo} disabled={!st.canRedo} title={`Redo${st.redoLabel ? ` ${st.redoLabel}` : ''} (Ctrl+Shift+Z)`}>
          Redo
        </button>
        <button
          type="button"
          disabled={!st.canUndo && !st.segments.length}
          title="Save every step of this session as a recipe (JSON) that replays on the same series: voxelprint run recipe.json <folder>"
          onClick={() => download('voxelprint-recipe.json', new TextEncoder().encode(st.recipeJson()))}
        >
          Save recipe
        </button>
      </div>
      {st.segments.length === 0 ? (
        <p className="hint">No segments yet. Threshold below or paint with the brush (B) to start one.</p>
      ) : (
        <ul className="segment-list" aria-label="Segment list">
          {st.segments.map((s) => (
            <SegmentRow key={s.label} s={s} active={s.label === st.activeLabel} voxelMm3={voxelMm3} />
          ))}
        </ul>
      )}
      <div className="segment-threshold">
        <span>
          Threshold {range ? `${range.lo} to ${range.hi} ${volume.unit}` : '(give a range in the Model panel)'}
        </span>
        <label>
          within{' '}
          <select aria-label="Threshold region" value={region} onChange={(e) => setRegion(e.target.value)}>
            <option value="all">the whole volume</option>
            {st.segments
              .filter((s) => s.label !== st.activeLabel)
              .map((s) => (
                <option key={s.label} value={`inside-${s.label}`}>
                  inside {s.name}
                </option>
              ))}
          </select>
        </label>
        <button type="button" disabled={!range} onClick={() => range && st.threshold(range, insideLabel !== undefined ? { insideLabel } : undefined)}>
          {active ? `Threshold into ${active.name}` : 'Threshold into a new segment'}
        </button>
      </div>
      <EffectsPanel />
      <SegmentStatisticsTable unit={volume.unit} />
      {st.error && (
        <p role="alert" className="error">
          {st.error}
        </p>
      )}
    </section>
  );
}

function SegmentRow({ s, active, voxelMm3 }: { s: SegmentView; active: boolean; voxelMm3: number }) {
  const st = useSegmentationStore();
  const [name, setName] = useState(s.name);
  useEffect(() => setName(s.name), [s.name]);
  const commit = (): void => {
    const trimmed = name.trim();
    if (trimmed && trimmed !== s.name) st.renameSegment(s.label, trimmed);
    else setName(s.name);
  };
  return (
    <li className={active ? 'segment active' : 'segment'} aria-current={active ? 'true' : undefined} style={{ borderLeftColor: hex(s.colorRgb) }} data-label={s.label}>
      <input type="radio" name="active-segment" aria-label={`Edit ${s.name}`} checked={active} onChange={() => st.setActive(s.label)} />
      <input
        type="color"
        aria-label={`Colour of ${s.name}`}
        value={hex(s.colorRgb)}
        onChange={(e) => st.recolourSegment(s.label, rgb(e.target.value))}
      />
      <input
        type="text"
        className="segment-name"
        aria-label={`Name of segment ${s.label}`}
        value={name}
        onChange={(e) => setName(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') setName(s.name);
        }}
      />
      <label title="Show on the slices and include in the model">
        <input type="checkbox" aria-label={`Show ${s.name}`} checked={s.visible} onChange={(e) => st.setVisible(s.label, e.target.checked)} />
      </label>
      <input
        type="range"
        aria-label={`Opacity of ${s.name}`}
        min={0.1}
        max={1}
        step={0.05}
        value={s.opacity}
        onChange={(e) => st.setOpacity(s.label, Number(e.target.value))}
      />
      <span className="segment-size" data-testid={`segment-voxels-${s.label}`} data-value={s.voxels}>
        {formatUpTo((s.voxels * voxelMm3) / 1000, 2)} cm³
      </span>
      <button type="button" aria-label={`Delete ${s.name}`} title="Delete the segment and its voxels (undo restores it)" onClick={() => st.removeSegment(s.label)}>
        ✕
      </button>
    </li>
  );
}

/** "Statistics": per segment voxels, volume, surface area and value mean ± std (computed in the worker). */
function SegmentStatisticsTable({ unit }: { unit: string }) {
  const st = useSegmentationStore();
  if (!st.segments.length) return null;
  const stale = st.statistics && st.statistics.revision !== st.revision;
  const name = (label: number): string => st.segments.find((s) => s.label === label)?.name ?? `label ${label}`;
  const n = (x: number | undefined, d: number): string => (x === undefined ? '–' : formatFixed(x, d));
  return (
    <div className="segment-statistics">
      <button type="button" onClick={() => void st.computeStatistics()}>
        {st.statistics ? 'Update statistics' : 'Statistics'}
      </button>
      {stale && <span className="hint"> (edited since)</span>}
      {st.statistics && (
        <table aria-label="Segment statistics">
          <thead>
            <tr>
              <th>Segment</th>
              <th>Voxels</th>
              <th>Volume (cm³)</th>
              <th>Surface (cm²)</th>
              <th>Mean ± SD ({unit || 'value'})</th>
            </tr>
          </thead>
          <tbody>
            {st.statistics.rows.map((r) => (
              <tr key={r.label} data-label={r.label}>
                <td>{name(r.label)}</td>
                <td>{formatUpTo(r.voxelCount)}</td>
                <td>{n(r.volumeMm3 / 1000, 2)}</td>
                <td>{n(r.surfaceAreaMm2 === undefined ? undefined : r.surfaceAreaMm2 / 100, 1)}</td>
                <td>
                  {n(r.mean, 1)} ± {n(r.std, 1)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
