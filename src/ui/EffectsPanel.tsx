import { useState } from 'react';
import type { Step } from '../core/segmentation/steps';
import type { EditRegion } from '../core/segmentation/edit';
import { selectedRange, useModelStore } from '../store/modelStore';
import { useSegmentationStore } from '../store/segmentationStore';

/** The effects offered, with a one-line explanation each (shown as the select's tooltip). */
const EFFECTS = [
  { id: 'keep-largest', label: 'Keep largest piece', help: 'Removes every piece but the largest.' },
  { id: 'remove-small', label: 'Remove small pieces', help: 'Removes pieces smaller than a volume in mm³.' },
  { id: 'split-pieces', label: 'Split pieces into segments', help: 'Each piece but the largest becomes a new segment.' },
  { id: 'fill-holes', label: 'Fill holes (3D)', help: 'Fills cavities: background not connected to the outside.' },
  { id: 'fill-holes-per-slice', label: 'Fill holes per slice', help: 'Fills holes in each slice along an axis.' },
  { id: 'margin', label: 'Grow / shrink (margin)', help: 'Grows (positive) or shrinks (negative) by an exact distance in mm.' },
  { id: 'hollow', label: 'Hollow', help: 'Turns the solid segment into a shell of the given wall thickness.' },
  { id: 'smooth', label: 'Smooth', help: 'Median, opening (removes thin parts), closing (fills gaps) or Gaussian.' },
  { id: 'joint-smooth', label: 'Smooth all segments together', help: 'Gaussian smoothing of all segments at once, with no gaps or overlaps between them.' },
  { id: 'logical', label: 'Logical operation', help: 'Copy, add, subtract or intersect another segment; invert.' },
  { id: 'grow-from-seeds', label: 'Grow from seeds', help: 'Paint strokes in two or more segments (e.g. bone and background); fills the rest by competitive region growing.' },
  { id: 'fill-between-slices', label: 'Fill between slices', help: 'Segment every few slices; interpolates the slices between.' },
] as const;
type EffectId = (typeof EFFECTS)[number]['id'];

/** Segment Editor effects on the active segment, run in a worker; each is one undoable step. */
export function EffectsPanel() {
  const st = useSegmentationStore();
  const model = useModelStore();
  const [effect, setEffect] = useState<EffectId>('keep-largest');
  const [connectivity, setConnectivity] = useState<6 | 26>(6);
  const [mm, setMm] = useState(2);
  const [minMm3, setMinMm3] = useState(100);
  const [axis, setAxis] = useState<'i' | 'j' | 'k'>('k');
  const [side, setSide] = useState<'inside' | 'centred' | 'outside'>('inside');
  const [method, setMethod] = useState<'median' | 'opening' | 'closing' | 'gaussian'>('median');
  const [operation, setOperation] = useState<'copy' | 'add' | 'subtract' | 'intersect' | 'invert'>('add');
  const [other, setOther] = useState<number>();
  const [inRange, setInRange] = useState(false);
  const [insideLabel, setInsideLabel] = useState<number>();
  const [overwrite, setOverwrite] = useState(true);
  const label = st.activeLabel;
  const active = st.segments.find((s) => s.label === label);
  const others = st.segments.filter((s) => s.label !== label);
  const range = selectedRange(model);
  const info = EFFECTS.find((e) => e.id === effect)!;
  if (!st.segments.length) return null;

  const region: EditRegion | undefined =
    inRange || insideLabel !== undefined || !overwrite
      ? { ...(inRange && range && { range: { lo: range.lo, hi: range.hi } }), ...(insideLabel !== undefined && { insideLabel }), ...(!overwrite && { overwrite: false }) }
      : undefined;
  const step = (): Step | undefined => {
    if (label === undefined) return undefined;
    const r = region ? { region } : {};
    switch (effect) {
      case 'keep-largest':
      case 'split-pieces':
      case 'fill-holes':
        return { op: effect, label, connectivity, ...r };
      case 'remove-small':
        return { op: effect, label, minVolumeMm3: minMm3, connectivity, ...r };
      case 'fill-holes-per-slice':
        return { op: effect, label, axis, ...r };
      case 'margin':
        return { op: effect, label, mm, ...r };
      case 'hollow':
        return { op: effect, label, thicknessMm: mm, side, ...r };
      case 'smooth':
        return { op: effect, label, method, sizeMm: mm, ...r };
      case 'joint-smooth':
        return { op: effect, sigmaMm: mm, ...r };
      case 'logical':
        return operation === 'invert' ? { op: effect, label, operation, ...r } : other !== undefined ? { op: effect, label, operation, other, ...r } : undefined;
      case 'grow-from-seeds':
        return { op: effect, ...r };
      case 'fill-between-slices':
        return { op: effect, axis, ...r };
    }
  };
  const ready = step();
  const mmLabel = effect === 'hollow' ? 'Wall thickness (mm)' : effect === 'margin' ? 'Margin (mm, negative shrinks)' : effect === 'joint-smooth' ? 'Sigma (mm)' : 'Size (mm)';
  return (
    <div className="effects" role="group" aria-label="Effects">
      <label title={info.help}>
        Effect{' '}
        <select aria-label="Effect" value={effect} onChange={(e) => setEffect(e.target.value as EffectId)}>
          {EFFECTS.map((e) => (
            <option key={e.id} value={e.id} title={e.help}>
              {e.label}
            </option>
          ))}
        </select>
      </label>
      {['keep-largest', 'split-pieces', 'fill-holes', 'remove-small'].includes(effect) && (
        <label title="6: pieces touch by faces; 26: faces, edges or corners">
          Connectivity{' '}
          <select aria-label="Connectivity" value={connectivity} onChange={(e) => setConnectivity(Number(e.target.value) as 6 | 26)}>
            <option value={6}>6 (faces)</option>
            <option value={26}>26 (faces, edges, corners)</option>
          </select>
        </label>
      )}
      {effect === 'remove-small' && (
        <label>
          Smaller than <input type="number" aria-label="Minimum volume (mm³)" min={0} value={minMm3} onChange={(e) => setMinMm3(e.target.valueAsNumber)} /> mm³
        </label>
      )}
      {['margin', 'hollow', 'smooth', 'joint-smooth'].includes(effect) && (
        <label>
          {mmLabel} <input type="number" aria-label={mmLabel} step={0.5} value={mm} onChange={(e) => setMm(e.target.valueAsNumber)} />
        </label>
      )}
      {effect === 'hollow' && (
        <label>
          Wall{' '}
          <select aria-label="Wall side" value={side} onChange={(e) => setSide(e.target.value as typeof side)}>
            <option value="inside">inside the surface</option>
            <option value="centred">centred on the surface</option>
            <option value="outside">outside the surface</option>
          </select>
        </label>
      )}
      {effect === 'smooth' && (
        <label>
          Method{' '}
          <select aria-label="Smoothing method" value={method} onChange={(e) => setMethod(e.target.value as typeof method)}>
            <option value="median">median</option>
            <option value="opening">opening (remove extrusions)</option>
            <option value="closing">closing (fill gaps)</option>
            <option value="gaussian">Gaussian</option>
          </select>
        </label>
      )}
      {(effect === 'fill-holes-per-slice' || effect === 'fill-between-slices') && (
        <label>
          Slices along{' '}
          <select aria-label="Slice axis" value={axis} onChange={(e) => setAxis(e.target.value as typeof axis)}>
            <option value="k">k (the acquired slices)</option>
            <option value="j">j (rows)</option>
            <option value="i">i (columns)</option>
          </select>
        </label>
      )}
      {effect === 'logical' && (
        <>
          <select aria-label="Operation" value={operation} onChange={(e) => setOperation(e.target.value as typeof operation)}>
            <option value="copy">copy</option>
            <option value="add">add</option>
            <option value="subtract">subtract</option>
            <option value="intersect">intersect</option>
            <option value="invert">invert</option>
          </select>
          {operation !== 'invert' && (
            <select aria-label="Other segment" value={other ?? ''} onChange={(e) => setOther(e.target.value ? Number(e.target.value) : undefined)}>
              <option value="">choose a segment</option>
              {others.map((s) => (
                <option key={s.label} value={s.label}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
        </>
      )}
      <details className="effect-mask">
        <summary>Limit the edit</summary>
        <label>
          <input type="checkbox" checked={inRange} disabled={!range} onChange={(e) => setInRange(e.target.checked)} /> Only where the value is in range{range ? ` (${range.lo} to ${range.hi})` : ''}
        </label>
        <label>
          Only inside{' '}
          <select aria-label="Only inside segment" value={insideLabel ?? ''} onChange={(e) => setInsideLabel(e.target.value ? Number(e.target.value) : undefined)}>
            <option value="">anywhere</option>
            {others.map((s) => (
              <option key={s.label} value={s.label}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} /> May overwrite other segments
        </label>
      </details>
      {st.running ? (
        <span role="status" aria-label="Effect progress">
          Running {st.running}…{' '}
          <button type="button" onClick={st.cancelEffect}>
            Cancel effect
          </button>
        </span>
      ) : (
        <button type="button" disabled={!ready} title={info.help} onClick={() => ready && void st.runEffect(ready)}>
          {effect === 'joint-smooth' || effect === 'grow-from-seeds' || effect === 'fill-between-slices' ? 'Apply to all segments' : `Apply to ${active?.name ?? 'segment'}`}
        </button>
      )}
    </div>
  );
}
