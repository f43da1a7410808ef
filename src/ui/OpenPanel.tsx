import { useStudyStore } from '../store/studyStore';
import { SAMPLES, fileSources, sampleSources } from './samples';

export function OpenPanel() {
  const open = useStudyStore((s) => s.open);
  const busy = useStudyStore((s) => s.status === 'scanning' || s.status === 'loading');
  const openSample = async (id: string): Promise<void> => {
    const sample = SAMPLES.find((s) => s.id === id);
    if (sample) await open(sample.title, () => sampleSources(sample));
  };
  return (
    <section className="open-panel" aria-label="Open a study">
      {SAMPLES.map((s) => (
        <button key={s.id} type="button" disabled={busy} onClick={() => void openSample(s.id)}>
          Open sample: {s.title}
        </button>
      ))}
      <label className="file-button">
        Open files…
        <input
          type="file"
          multiple
          aria-label="Open DICOM files"
          onChange={(e) => e.currentTarget.files?.length && void open(`${e.currentTarget.files.length} files`, fileSources(e.currentTarget.files))}
        />
      </label>
      <label className="file-button">
        Open folder…
        <input
          type="file"
          multiple
          aria-label="Open a DICOM folder"
          // @ts-expect-error non-standard but universally supported folder picker attribute
          webkitdirectory=""
          onChange={(e) => e.currentTarget.files?.length && void open('folder', fileSources(e.currentTarget.files))}
        />
      </label>
    </section>
  );
}
