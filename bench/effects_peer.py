#!/usr/bin/python3
"""The peer of bench/effects.ts: the same segmentation effects with scipy.ndimage and numpy
(Debian's python3-scipy / python3-numpy; nothing installed from elsewhere).

    /usr/bin/python3 bench/effects_peer.py --data bench/data/effects [--runs 3] [--ops a,b,...]

Reads the fixture written by bench/effects.ts (meta.json, shell.u8, other.u8: uint8 0/1, i
fastest, so numpy's shape is (nz, ny, nx) and per-axis values are given in (k, j, i) order),
times every op `--runs` times in this one process (single-threaded, like ours; wall time and the
thread's CPU time, time.thread_time) and prints JSON on stdout; progress goes to stderr. After
the timing, each op's first result is compared with ours (bench/data/effects/ours/<op>.bits, numpy.packbits order) when that file exists: `diff` is the
number of voxels that differ.

numpy asks for transparent huge pages on large arrays (madvise); V8 does not. Where THP is
'madvise' (this VM), that makes numpy's fresh arrays ~10× cheaper to first write than ours.
--no-hugepages turns it off, for a like-for-like run.

Definitions, chosen to match ours where they can:
- keep largest: label() with a 6 or 26 structure, bincount, the largest label (argmax: the first
  in scan order on ties, like ours);
- remove small: label() (6), pieces with voxels × voxel volume ≥ 10 mm³ (same tolerance);
- fill holes: binary_fill_holes with a full 3×3×3 structure, i.e. a 26-connected background,
  which is what ours uses for a 6-connected object;
- margin ±r, hollow: distance_transform_edt with sampling = spacing (exact Euclidean, voxel
  centres), compared with r·(1 + 1e-9) like ours; the mask is ≥ 15 mm from the grid's faces,
  so the edge conventions do not come into play;
- median 3³: median_filter(size=3) on the 0/1 bytes;
- opening / closing r mm: binary_opening / binary_closing with an ellipsoidal "ball" of radius r
  mm on the anisotropic grid (offsets with (di·sx)² + (dj·sy)² + (dk·sz)² ≤ r²), which is what the
  exact shrink/grow by r does;
- Gaussian σ mm: gaussian_filter of the mask as float32, sigma σ / spacing per axis, truncate 3
  (the same kernel radii as ours: ⌈3σ/s⌉), mode 'nearest' (edge repeats, like ours), ≥ 0.5;
- logical: numpy logical_or / and / and-not / not on bool views of the bytes.
"""
import argparse
import gc
import json
import os
import statistics
import sys
import time

import numpy as np
import scipy
from scipy import ndimage as ndi

TOL = 1 + 1e-9
MIN_PIECE_MM3 = 10.0


def log(text):
    print(text, file=sys.stderr, flush=True)


def ball(radius_mm, spacing_kji):
    reach = [int(np.floor(radius_mm / s + 1e-9)) for s in spacing_kji]
    k, j, i = np.ogrid[-reach[0]:reach[0] + 1, -reach[1]:reach[1] + 1, -reach[2]:reach[2] + 1]
    d2 = (k * spacing_kji[0]) ** 2 + (j * spacing_kji[1]) ** 2 + (i * spacing_kji[2]) ** 2
    return d2 <= radius_mm * radius_mm * TOL + 1e-12


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--ops')
    ap.add_argument('--no-hugepages', action='store_true', help="turn off numpy's madvise(MADV_HUGEPAGE) on large arrays (V8 makes no such call)")
    a = ap.parse_args()
    hugepages = np.core.multiarray._get_madvise_hugepage()
    if a.no_hugepages:
        np.core.multiarray._set_madvise_hugepage(False)
        hugepages = False
    with open(os.path.join(a.data, 'meta.json')) as f:
        meta = json.load(f)
    nx, ny, nz = meta['dimensions']
    sx, sy, sz = meta['spacingMm']
    spacing = (sz, sy, sx)  # numpy axis order (k, j, i)
    shape = (nz, ny, nx)
    shell = np.fromfile(os.path.join(a.data, meta['files']['shell']), dtype=np.uint8).reshape(shape)
    other = np.fromfile(os.path.join(a.data, meta['files']['other']), dtype=np.uint8).reshape(shape)
    sb = shell.view(bool)
    ob = other.view(bool)
    vv = sx * sy * sz
    s6 = ndi.generate_binary_structure(3, 1)
    s26 = ndi.generate_binary_structure(3, 3)
    ball1 = ball(1.0, spacing)

    def keep_largest(structure):
        lab, n = ndi.label(sb, structure=structure)
        counts = np.bincount(lab.ravel())
        counts[0] = 0
        return lab == counts.argmax()

    def remove_small():
        lab, n = ndi.label(sb, structure=s6)
        counts = np.bincount(lab.ravel())
        keep = counts * vv >= MIN_PIECE_MM3 * (1 - 1e-9)
        keep[0] = False
        return keep[lab]

    def gaussian(sigma_mm):
        smooth = ndi.gaussian_filter(shell.astype(np.float32), sigma=[sigma_mm / s for s in spacing], truncate=3.0, mode='nearest', output=np.float32)
        return smooth >= 0.5

    ops = [
        ('keep-largest-6', 'label(6) + bincount + ==', lambda: keep_largest(s6)),
        ('keep-largest-26', 'label(26) + bincount + ==', lambda: keep_largest(s26)),
        ('remove-small', 'label(6) + bincount + keep[lab]', remove_small),
        ('fill-holes', 'binary_fill_holes(3³ structure)', lambda: ndi.binary_fill_holes(sb, structure=s26)),
        ('margin+3', 'edt(~m, sampling) ≤ 3', lambda: ndi.distance_transform_edt(~sb, sampling=spacing) <= 3 * TOL),
        ('margin-3', 'edt(m, sampling) > 3', lambda: ndi.distance_transform_edt(sb, sampling=spacing) > 3 * TOL),
        ('hollow-2', 'm & (edt(m, sampling) ≤ 2)', lambda: sb & (ndi.distance_transform_edt(sb, sampling=spacing) <= 2 * TOL)),
        ('median-3', 'median_filter(size=3)', lambda: ndi.median_filter(shell, size=3)),
        ('opening-1', f'binary_opening(ball 1 mm, {"×".join(map(str, ball1.shape))})', lambda: ndi.binary_opening(sb, structure=ball1)),
        ('closing-1', f'binary_closing(ball 1 mm, {"×".join(map(str, ball1.shape))})', lambda: ndi.binary_closing(sb, structure=ball1)),
        ('gaussian-1', 'gaussian_filter(f32, σ/s, truncate 3, nearest) ≥ 0.5', lambda: gaussian(1.0)),
        ('add', 'np.logical_or', lambda: np.logical_or(sb, ob)),
        ('subtract', 'a & ~b', lambda: np.logical_and(sb, np.logical_not(ob))),
        ('intersect', 'np.logical_and', lambda: np.logical_and(sb, ob)),
        ('invert', 'np.logical_not', lambda: np.logical_not(sb)),
    ]
    wanted = a.ops.split(',') if a.ops else None

    fresh = []
    for _ in range(a.runs):
        gc.collect()
        t0 = time.perf_counter()
        x = np.ones(shape, dtype=bool)
        fresh.append((time.perf_counter() - t0) * 1000)
        del x
    log(f'  fresh mask (np.ones): {" / ".join(f"{x:.0f}" for x in fresh)} ms')

    out = {}
    for op_id, how, fn in ops:
        if wanted and op_id not in wanted:
            continue
        ms = []
        cpu = []
        first = None
        for _ in range(a.runs):
            gc.collect()
            c0 = time.thread_time()
            t0 = time.perf_counter()
            r = fn()
            ms.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.thread_time() - c0) * 1000)
            if first is None:
                first = r
            del r
        first = np.asarray(first).astype(bool, copy=False).ravel()
        diff = None
        bits = os.path.join(a.data, 'ours', f'{op_id}.bits')
        if os.path.exists(bits):
            ours = np.unpackbits(np.fromfile(bits, dtype=np.uint8))[: first.size].view(bool)
            diff = int(np.count_nonzero(ours != first))
        out[op_id] = {'ms': ms, 'median_ms': statistics.median(ms), 'cpu_ms': cpu, 'median_cpu_ms': statistics.median(cpu), 'voxels': int(np.count_nonzero(first)), 'diff': diff, 'how': how}
        log(f'  {op_id}: {" / ".join(f"{x:.0f}" for x in ms)} ms (CPU {" / ".join(f"{x:.0f}" for x in cpu)}), {out[op_id]["voxels"]} voxels, {diff} differ from ours')
        del first
    env = {'python': sys.version.split()[0], 'numpy': np.__version__, 'scipy': scipy.__version__, 'madvise_hugepage': hugepages}
    print(json.dumps({'env': env, 'fresh_ms': fresh, 'fresh_median_ms': statistics.median(fresh), 'ops': out}))


if __name__ == '__main__':
    main()
