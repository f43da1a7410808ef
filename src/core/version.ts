/** The software version written into recipes and file headers (kept equal to package.json's; a test checks). */
export const VOXELPRINT_VERSION = '0.1.0';
