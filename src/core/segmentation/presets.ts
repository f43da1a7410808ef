/**
 * Tissue HU ranges for CT thresholding, as published by InVesalius (CTI Renato Archer,
 * `invesalius/presets.py`, `Presets.thresh_ct`; also in its user guide's threshold table).
 * Inclusive on both ends: a voxel belongs when lo ≤ HU ≤ hi.
 */
export interface HuRange {
  readonly lo: number;
  readonly hi: number;
}

export interface TissuePreset extends HuRange {
  readonly id: string;
  readonly label: string;
}

export const CT_TISSUE_PRESETS: readonly TissuePreset[] = [
  { id: 'bone', label: 'Bone', lo: 226, hi: 3071 },
  { id: 'soft-tissue', label: 'Soft tissue', lo: -700, hi: 225 },
  { id: 'enamel-adult', label: 'Enamel (adult)', lo: 1553, hi: 2850 },
  { id: 'enamel-child', label: 'Enamel (child)', lo: 2042, hi: 3071 },
  { id: 'compact-bone-adult', label: 'Compact bone (adult)', lo: 662, hi: 1988 },
  { id: 'compact-bone-child', label: 'Compact bone (child)', lo: 586, hi: 2198 },
  { id: 'spongial-bone-adult', label: 'Spongy bone (adult)', lo: 148, hi: 661 },
  { id: 'spongial-bone-child', label: 'Spongy bone (child)', lo: 156, hi: 585 },
  { id: 'muscle-adult', label: 'Muscle (adult)', lo: -5, hi: 135 },
  { id: 'muscle-child', label: 'Muscle (child)', lo: -25, hi: 139 },
  { id: 'fat-adult', label: 'Fat (adult)', lo: -205, hi: -51 },
  { id: 'fat-child', label: 'Fat (child)', lo: -212, hi: -72 },
  { id: 'skin-adult', label: 'Skin (adult)', lo: -718, hi: -177 },
  { id: 'skin-child', label: 'Skin (child)', lo: -766, hi: -202 },
];

export const presetById = (id: string): TissuePreset | undefined => CT_TISSUE_PRESETS.find((p) => p.id === id);

/** Parses "LO:HI" (e.g. "226:3071", "-700:225"); undefined when malformed or empty. */
export function parseHuRange(text: string): HuRange | undefined {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*:\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text);
  if (!m) return undefined;
  const lo = Number(m[1]);
  const hi = Number(m[2]);
  return lo <= hi ? { lo, hi } : undefined;
}
