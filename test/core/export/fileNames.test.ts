import { describe, expect, it } from 'vitest';
import { exportFileName, exportMeshes } from '../../../src/core/export/index';
import { PATIENT, fixture } from './fixture';

describe('exportFileName', () => {
  it('builds names from product, segment, frame and format only', () => {
    expect(exportFileName({ segmentName: 'Bone', format: 'stl', frame: 'LPS' })).toBe('voxelprint-bone-lps.stl');
    expect(exportFileName({ format: '3mf', frame: 'print' })).toBe('voxelprint-print.3mf');
    expect(exportFileName({ segmentName: 'Tumour (left)', format: 'obj', frame: 'RAS' })).toBe('voxelprint-tumour-left-ras.obj');
    expect(exportFileName({ segmentName: 'Bone', format: 'stl-ascii', frame: 'LPS' })).toBe('voxelprint-bone-lps-ascii.stl');
    expect(exportFileName({ segmentName: 'Ösophagus/Ärger', format: 'ply', frame: 'LPS', date: new Date(Date.UTC(2026, 10, 5)) })).toBe(
      'voxelprint-osophagus-arger-lps-20261105.ply',
    );
    expect(exportFileName({ segmentName: '***', format: 'stl', frame: 'LPS' })).toBe('voxelprint-lps.stl');
  });

  it('only [a-z0-9-] plus the extension', () => {
    const n = exportFileName({ segmentName: ' ../..\\evil<>:"|?* name\u0000', format: 'stl', frame: 'LPS', userLabel: 'Case #7 / ü' });
    expect(n).toMatch(/^[a-z0-9-]+\.stl$/);
    expect(n).toBe('voxelprint-case-7-u-evil-name-lps.stl');
  });

  it('a user-typed label is the only way a name gets in', () => {
    expect(exportFileName({ format: 'stl', frame: 'LPS', userLabel: 'Jane Doe' })).toBe('voxelprint-jane-doe-lps.stl');
    expect(exportFileName({ format: 'stl', frame: 'LPS', userLabel: '' })).toBe('voxelprint-lps.stl');
  });

  it('exported files never carry the fixture patient strings', () => {
    const patientish = [PATIENT.name, PATIENT.id, PATIENT.birthDate, 'doe', 'jane', 'mrn', '4711'];
    for (const format of ['stl', 'stl-ascii', 'obj', 'ply', '3mf'] as const) {
      for (const perSegment of [false, true]) {
        for (const frame of ['LPS', 'RAS', 'print'] as const) {
          const files = exportMeshes({ meshes: fixture(), format, frame, perSegment });
          for (const f of files) {
            for (const p of patientish) expect(f.fileName.toLowerCase()).not.toContain(p.toLowerCase());
            expect(f.fileName).toMatch(/^[a-z0-9-]+\.(stl|obj|mtl|ply|3mf)$/);
          }
          expect(new Set(files.map((f) => f.fileName)).size).toBe(files.length);
        }
      }
    }
  });
});
