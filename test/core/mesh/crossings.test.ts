import { describe, expect, it } from 'vitest';
import { crossingTrianglePairs } from '../../../src/core/mesh/crossings';
import { boxParts, mergeParts, toMesh } from './meshFixtures';

describe('crossing triangle pairs', () => {
  it('finds two boxes pushed into each other, not two boxes apart or touching at a corner', () => {
    const apart = toMesh(mergeParts([boxParts([0, 0, 0], [1, 1, 1]), boxParts([1.5, 0, 0], [2.5, 1, 1])]));
    expect(crossingTrianglePairs(apart)).toEqual([]);
    const touching = toMesh(mergeParts([boxParts([0, 0, 0], [1, 1, 1]), boxParts([1, 1, 1], [2, 2, 2])]));
    expect(crossingTrianglePairs(touching)).toEqual([]);
    const overlapping = toMesh(mergeParts([boxParts([0, 0, 0], [1, 1, 1]), boxParts([0.5, 0.25, 0.25], [1.5, 0.75, 0.75])]));
    const pairs = crossingTrianglePairs(overlapping);
    expect(pairs.length).toBeGreaterThan(0);
    // Each pair has one triangle from each box (triangles 0–11 and 12–23).
    for (let i = 0; i < pairs.length; i += 2) expect((pairs[i] < 12) !== (pairs[i + 1] < 12)).toBe(true);
  });
});
