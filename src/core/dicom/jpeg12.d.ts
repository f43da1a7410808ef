declare module 'voxelprint-jpeg12' {
  /** pdf.js-derived baseline/extended DCT JPEG decoder (8 and 12 bit), shipped in Cornerstone's loader. */
  export default class JpegImage {
    colorTransform: boolean;
    parse(data: Uint8Array): void;
    getData(width: number, height: number): Uint8Array;
    getData16(width: number, height: number): Uint16Array;
  }
}
