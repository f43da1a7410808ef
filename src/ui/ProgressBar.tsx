import { useStudyStore } from '../store/studyStore';

export function ProgressBar() {
  const status = useStudyStore((s) => s.status);
  const progress = useStudyStore((s) => s.progress);
  const cancel = useStudyStore((s) => s.cancel);
  if (status !== 'scanning' && status !== 'loading') return null;
  const label = status === 'scanning' ? 'Reading files' : 'Decoding slices';
  return (
    <div className="progress" role="status">
      <span>
        {label} {progress ? `${progress.done} / ${progress.total}` : ''}
      </span>
      <progress aria-label={label} max={progress?.total || 1} value={progress?.done ?? 0} />
      <button type="button" onClick={cancel}>
        Cancel
      </button>
    </div>
  );
}
