import { describe, expect, it } from 'vitest';
import { decodeFileSlices, memoryFiles, planOf, requestsByFile, requestsFromTheMiddle, scanFiles } from '../../../src/core/dicom/load';
import { VolumeAssembler } from '../../../src/core/volume/assemble';
import { makeSeries, shuffle, smallSpec } from '../../helpers/syntheticSeries';
import { codecs, expectVolumeMatchesTruth } from '../dicom/loadHelpers';

/** Decodes every slice of a series as the workers do, in a shuffled order. */
async function decodedSlices(files: { name: string; bytes: Uint8Array }[]) {
  const inputs = memoryFiles(files);
  const scan = await scanFiles(inputs);
  const plan = planOf(scan, undefined);
  const out = [];
  for (const [fileIndex, requests] of requestsByFile(plan)) {
    const header = scan.headers[fileIndex];
    if (!header) throw new Error('no header');
    out.push(...(await decodeFileSlices(files[fileIndex].bytes, header, requests, plan.preferInt16, codecs)));
  }
  return { plan, slices: shuffle(out, 4) };
}

describe('VolumeAssembler with a shared buffer (workers write slices in place)', () => {
  it('slices written directly into the SharedArrayBuffer give the same volume', async () => {
    const spec = smallSpec();
    const { files, truth } = makeSeries(spec);
    const { plan, slices } = await decodedSlices(files);
    const asm = new VolumeAssembler(plan, { shared: true });
    const target = asm.sharedTarget;
    expect(target?.buffer).toBeInstanceOf(SharedArrayBuffer);
    for (const s of slices) {
      new Int16Array(target!.buffer).set(s.values, s.source * target!.sliceSize); // what a worker does
      asm.markWritten(s.source, s.paddedVoxels);
    }
    const volume = asm.finish();
    expect(volume.voxels.buffer).toBe(target!.buffer);
    expectVolumeMatchesTruth(volume, truth, spec);
  });

  it('decodeFileSlices writes in place into the shared volume, as the workers call it', async () => {
    const spec = smallSpec();
    const { files, truth } = makeSeries(spec);
    const inputs = memoryFiles(files);
    const scan = await scanFiles(inputs);
    const plan = planOf(scan, undefined);
    const asm = new VolumeAssembler(plan, { shared: true });
    const t = asm.sharedTarget!;
    for (const [fileIndex, requests] of requestsByFile(plan)) {
      const volume = { voxels: new Int16Array(t.buffer), sliceSize: t.sliceSize };
      for (const d of await decodeFileSlices(files[fileIndex].bytes, scan.headers[fileIndex]!, requests, true, codecs, volume)) {
        expect(d.inPlace).toBe(true);
        expect(d.values.buffer).toBe(t.buffer);
        asm.markWritten(d.source, d.paddedVoxels);
      }
    }
    expectVolumeMatchesTruth(asm.finish(), truth, spec);
  });

  it('a Float32 slice mid-way promotes the volume; later direct writes are copied over', async () => {
    const spec = smallSpec({ modality: 'MR', pixelRepresentation: 0, hu: (p) => (p[2] > 5 ? 40000 : 1000 + Math.round(10 * p[0])) });
    const { files, truth } = makeSeries(spec);
    const { plan, slices } = await decodedSlices(files);
    expect(plan.preferInt16).toBe(true);
    const asm = new VolumeAssembler(plan, { shared: true });
    const target = asm.sharedTarget!;
    let promotedAt = -1;
    slices.forEach((s, i) => {
      if (s.values instanceof Int16Array) {
        new Int16Array(target.buffer).set(s.values, s.source * target.sliceSize);
        asm.markWritten(s.source, 0);
      } else {
        if (promotedAt < 0) promotedAt = i;
        asm.put(s.source, s.values, 0);
      }
    });
    expect(promotedAt).toBeGreaterThan(0);
    expect(promotedAt).toBeLessThan(slices.length - 1);
    const volume = asm.finish();
    expect(volume.voxels).toBeInstanceOf(Float32Array);
    expect(volume.warnings.map((w) => w.code)).toContain('promoted-to-float');
    expectVolumeMatchesTruth(volume, truth, spec);
  });

  it('missing slices are an error, not a silently incomplete volume', async () => {
    const { files } = makeSeries(smallSpec());
    const { plan, slices } = await decodedSlices(files);
    const asm = new VolumeAssembler(plan);
    for (const s of slices.slice(1)) asm.put(s.source, s.values);
    expect(() => asm.finish()).toThrow('only 11 of 12 slices were decoded');
  });
});

describe('progressive assembly (what the slice view shows while a volume loads)', () => {
  for (const [name, overrides] of [
    ['a regular stack', {}],
    ['a tilted stack (every output slice resampled from two sources)', { tiltStepInPlaneMm: [0, 0.35, 0] as const }],
  ] as const)
    it(`${name}: decoded from the middle outwards, each slice flagged ready holds its final values`, async () => {
      const spec = smallSpec(overrides);
      const { files } = makeSeries(spec);
      const inputs = memoryFiles(files);
      const scan = await scanFiles(inputs);
      const plan = planOf(scan, undefined);
      expect(Boolean(plan.outputs)).toBe(name.startsWith('a tilted'));
      const order = requestsFromTheMiddle(plan);
      const mid = Math.floor(plan.sources.length / 2);
      // The middle slice's file first, then files ever farther from it.
      expect(order[0][1].map((r) => r.source)).toContain(mid);
      const dist = order.map(([, rs]) => Math.min(...rs.map((r) => Math.abs(r.source - mid))));
      expect(dist).toEqual([...dist].sort((a, b) => a - b));
      expect(order.length).toBe(requestsByFile(plan).size);

      // The reference: everything decoded.
      const whole = new VolumeAssembler(plan);
      for (const [fileIndex, requests] of requestsByFile(plan))
        for (const s of await decodeFileSlices(files[fileIndex].bytes, scan.headers[fileIndex]!, requests, plan.preferInt16, codecs)) whole.put(s.source, s.values);
      const final = whole.finish();
      const [nx, ny, nz] = final.dimensions;

      const asm = new VolumeAssembler(plan);
      const counts: number[] = [];
      for (const [fileIndex, requests] of order) {
        for (const s of await decodeFileSlices(files[fileIndex].bytes, scan.headers[fileIndex]!, requests, plan.preferInt16, codecs)) asm.put(s.source, s.values);
        const part = asm.partial();
        expect(part.dimensions).toEqual(final.dimensions);
        expect(part.originLps).toEqual(final.originLps);
        let ready = 0;
        for (let k = 0; k < nz; k++) {
          if (!asm.sliceReady[k]) continue;
          ready++;
          const a = part.voxels.subarray(k * nx * ny, (k + 1) * nx * ny);
          const b = final.voxels.subarray(k * nx * ny, (k + 1) * nx * ny);
          expect(Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength)), `slice ${k}`).toBe(true);
        }
        counts.push(ready);
      }
      // The middle output slice is ready after at most the first two files; every slice at the end.
      expect(counts[Math.min(1, counts.length - 1)]).toBeGreaterThan(0);
      expect(asm.sliceReady[Math.floor(nz / 2)]).toBe(1);
      expect(counts.at(-1)).toBe(nz);
      expect(counts).toEqual([...counts].sort((a, b) => a - b));
    });
});
