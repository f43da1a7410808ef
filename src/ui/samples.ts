import type { SourceRef } from '../workers/dicomProtocol';

/** Studies bundled with the app (public/samples), opened without any upload. */
export interface Sample {
  readonly id: string;
  readonly title: string;
  readonly folder: string;
}

export const SAMPLES: readonly Sample[] = [
  { id: 'ct-phantom', title: 'CT head phantom (synthetic)', folder: 'samples/ct-phantom' },
  { id: 'mri-colin27', title: 'MRI brain T1 (Colin27)', folder: 'samples/mri-colin27' },
];

/** Reads a sample's manifest and returns its files as worker sources (fetched by the workers). */
export async function sampleSources(sample: Sample): Promise<SourceRef[]> {
  const base = new URL(`${sample.folder}/`, document.baseURI);
  const r = await fetch(new URL('manifest.json', base));
  if (!r.ok) throw new Error(`sample "${sample.title}" is missing (HTTP ${r.status}); run npm run samples`);
  const manifest = (await r.json()) as { files: string[] };
  return manifest.files.map((f) => ({ kind: 'url', name: f, url: new URL(f, base).href }));
}

/** Files from a picker or a folder input, named by their path inside the folder. */
export const fileSources = (files: FileList | readonly File[]): SourceRef[] =>
  Array.from(files).map((file) => ({ kind: 'file', name: file.webkitRelativePath || file.name, file }));
