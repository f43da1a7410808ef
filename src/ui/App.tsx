import { useEffect, useState } from 'react';
import { filesFromDrop } from './dropFiles';
import { useStudyStore, warmDicomWorkers } from '../store/studyStore';
import { prepareViewer } from '../viewer/mprViewer';
import { warmModelWorkers } from '../store/modelStore';
import { prepareModelPreview } from './ModelView';
import { ModelPanel } from './ModelPanel';
import { SegmentPanel } from './SegmentPanel';
import { MprView } from './MprView';
import { OpenPanel } from './OpenPanel';
import { ProgressBar } from './ProgressBar';
import { SAMPLES, sampleSources } from './samples';
import { SeriesTable } from './SeriesTable';
import { SliceView } from './SliceView';

let autoOpened = false;

export function App() {
  const error = useStudyStore((s) => s.error);
  const status = useStudyStore((s) => s.status);
  const open = useStudyStore((s) => s.open);
  const [dragging, setDragging] = useState(false);

  // The embedded default: open a bundled sample at start (?sample=mri-colin27, or none).
  useEffect(() => {
    if (autoOpened) return;
    autoOpened = true;
    // Workers start now, not on the first drop or the first "Create model"; Cornerstone and
    // the model preview's scene are made once the page is idle.
    warmDicomWorkers();
    warmModelWorkers();
    requestIdleCallback(() => void prepareViewer().catch(() => undefined));
    requestIdleCallback(prepareModelPreview);
    const wanted = new URLSearchParams(location.search).get('sample') ?? SAMPLES[0].id;
    const sample = SAMPLES.find((s) => s.id === wanted);
    if (sample) void open(sample.title, () => sampleSources(sample));
  }, [open]);

  return (
    <div
      className={dragging ? 'app dropping' : 'app'}
      data-testid="drop-target"
      onDragOver={(e) => {
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDragging(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        const data = e.dataTransfer;
        // Read the entries now: the DataTransfer is emptied when this handler returns.
        const pending = filesFromDrop(data);
        void open('dropped files', async () => (await pending).map(({ file, path }) => ({ kind: 'file' as const, name: path, file })));
      }}
    >
      {dragging && (
        <div className="drop-hint" aria-hidden="true">
          Drop DICOM files or folders to open them
        </div>
      )}
      <header>
        <h1>Voxelprint</h1>
        <p className="tagline">DICOM to print-ready models. Your scans never leave this computer.</p>
      </header>
      <OpenPanel />
      <ProgressBar />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <main data-status={status}>
        <SeriesTable />
        <SliceView />
        <SegmentPanel />
        <MprView />
        <ModelPanel />
      </main>
    </div>
  );
}
