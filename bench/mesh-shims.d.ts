// Types for the two peer modules the meshing benchmark imports that ship without them.

/** vtk.js 36.4.1 ships no .d.ts for this filter (the other modules used have theirs). */
declare module '@kitware/vtk.js/Filters/General/ImageMarchingCubes.js' {
  import type { vtkImageData } from '@kitware/vtk.js/Common/DataModel/ImageData';
  import type { vtkPolyData } from '@kitware/vtk.js/Common/DataModel/PolyData';

  export interface vtkImageMarchingCubes {
    setInputData(image: vtkImageData): void;
    getOutputData(): vtkPolyData;
  }
  const vtkImageMarchingCubes: {
    newInstance(initial?: { contourValue?: number; computeNormals?: boolean; mergePoints?: boolean }): vtkImageMarchingCubes;
  };
  export default vtkImageMarchingCubes;
}

/** @icr/polyseg-wasm 0.4.0: the Emscripten launcher (MODULARIZE=1, web environment). */
declare module '@icr/polyseg-wasm/js' {
  const launcher: (moduleOverrides?: {
    wasmBinary?: ArrayBuffer | Uint8Array;
    locateFile?: (path: string, prefix: string) => string;
    print?: (text: string) => void;
    printErr?: (text: string) => void;
  }) => Promise<unknown>;
  export default launcher;
}
