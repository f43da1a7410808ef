import { useEffect, useRef, useState } from 'react';
import { defaultWindow } from '../core/volume/slice';
import { MPR_ORIENTATIONS, MprViewer } from '../viewer/mprViewer';
import type { MprOrientation } from '../viewer/mprViewer';
import { useStudyStore } from '../store/studyStore';
import { getVolume } from '../store/volumeRegistry';

const TITLES: Record<MprOrientation, string> = { axial: 'Axial', sagittal: 'Sagittal', coronal: 'Coronal' };

/** Axial, sagittal and coronal views of the loaded volume (Cornerstone3D lives in src/viewer). */
export function MprView() {
  const volumeId = useStudyStore((s) => s.volumeId);
  const refs = { axial: useRef<HTMLDivElement>(null), sagittal: useRef<HTMLDivElement>(null), coronal: useRef<HTMLDivElement>(null) };
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const [error, setError] = useState<string>();

  useEffect(() => {
    const volume = getVolume(volumeId);
    const { axial, sagittal, coronal } = { axial: refs.axial.current, sagittal: refs.sagittal.current, coronal: refs.coronal.current };
    if (!volume || !axial || !sagittal || !coronal) return;
    const viewer = new MprViewer({ axial, sagittal, coronal });
    let live = true;
    setState('loading');
    viewer
      .show(volume, defaultWindow(volume))
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
      viewer.dispose();
    };
  }, [volumeId]);

  if (!volumeId) return null;
  return (
    <section className="mpr" aria-label="Views" data-state={state}>
      {MPR_ORIENTATIONS.map((o) => (
        <figure key={o}>
          <div ref={refs[o]} className="mpr-viewport" aria-label={`${TITLES[o]} view`} data-testid={`mpr-${o}`} onContextMenu={(e) => e.preventDefault()} />
          <figcaption>{TITLES[o]}</figcaption>
        </figure>
      ))}
      {state === 'error' && (
        <p role="alert" className="error">
          The views could not be drawn: {error}
        </p>
      )}
    </section>
  );
}
