/** A segment: its number in the labelmap (1–255), name and display colour (sRGB). */
export interface SegmentInfo {
  readonly label: number;
  readonly name: string;
  readonly colorRgb: readonly [number, number, number];
}

/** Default colours for new segments (sRGB), in order: bone, red, blue, green, yellow, purple, teal, orange. */
export const SEGMENT_COLOURS: readonly (readonly [number, number, number])[] = [
  [230, 220, 200],
  [216, 101, 79],
  [80, 140, 220],
  [110, 184, 90],
  [230, 200, 70],
  [160, 110, 200],
  [70, 190, 190],
  [240, 150, 60],
];

/** The lowest label not in use (1–255); undefined when all are taken. */
export function nextLabel(segments: readonly SegmentInfo[]): number | undefined {
  const used = new Set(segments.map((s) => s.label));
  for (let l = 1; l < 256; l++) if (!used.has(l)) return l;
  return undefined;
}
