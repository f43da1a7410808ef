import { useStudyStore } from '../store/studyStore';

const mm = (v: number): string => (Math.round(v * 1000) / 1000).toString();

/** Every series and stack found, with why a stack is not offered; patient text as plain text. */
export function SeriesTable() {
  const scan = useStudyStore((s) => s.scan);
  const stackId = useStudyStore((s) => s.stackId);
  const loadStack = useStudyStore((s) => s.loadStack);
  const status = useStudyStore((s) => s.status);
  const volumeId = useStudyStore((s) => s.volumeId);
  const busy = status === 'scanning' || status === 'loading';
  if (!scan) return null;
  const first = scan.series[0]?.display;
  return (
    <section className="series" aria-label="Series browser">
      {first && (
        <p className="patient">
          <span>Patient: {first.patientName || '—'}</span> <span>ID: {first.patientId || '—'}</span>{' '}
          <span>Study: {first.studyDescription || '—'}</span> <span>{first.studyDate}</span>
        </p>
      )}
      <table aria-label="Series">
        <thead>
          <tr>
            <th scope="col">Series</th>
            <th scope="col">Modality</th>
            <th scope="col">Stack</th>
            <th scope="col">Voxels</th>
            <th scope="col">Spacing (mm)</th>
            <th scope="col">Notes</th>
            <th scope="col">Volume</th>
          </tr>
        </thead>
        <tbody>
          {scan.series.flatMap((s) =>
            s.stacks.map((st) => (
              <tr key={st.id} aria-selected={st.id === stackId} className={st.id === stackId ? 'selected' : undefined}>
                <td>{s.display.seriesDescription || '(no description)'}</td>
                <td>{s.modality}</td>
                <td>{st.label}</td>
                <td>{st.plan ? st.plan.geometry.dimensions.join(' × ') : `${st.columns} × ${st.rows} × ${st.sliceCount}`}</td>
                <td>{st.plan ? st.plan.geometry.spacingMm.map(mm).join(' × ') : '—'}</td>
                <td>
                  {st.refusal && <div className="refusal">Not a volume: {st.refusal.reason}</div>}
                  {st.warnings.map((w, i) => (
                    <div key={i} className="warning">
                      {w.message}
                    </div>
                  ))}
                </td>
                <td>
                  {st.plan && (
                    <button type="button" disabled={busy || st.id === stackId} onClick={() => void loadStack(st.id)}>
                      {st.id !== stackId ? 'Load' : volumeId ? 'Loaded' : 'Loading…'}
                    </button>
                  )}
                </td>
              </tr>
            )),
          )}
        </tbody>
      </table>
      {scan.skipped.length > 0 && (
        <details className="skipped">
          <summary>Skipped files ({scan.skipped.length})</summary>
          <ul aria-label="Skipped files">
            {scan.skipped.map((f, i) => (
              <li key={i}>
                <strong>{f.fileName}</strong>: {f.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
