/**
 * Smoothing effects on binary masks and labelmaps: median (majority, median.ts), opening and
 * closing (exact, by a radius in mm, morphology.ts), Gaussian (σ in mm, thresholded at one half)
 * and joint smoothing of every segment of a labelmap at once (gaussian.ts). All take the grid's
 * anisotropic spacing into account, return new arrays the size of the input (or fill `into`)
 * and leave the input alone. Work is confined to the bounding box of the non-zero voxels padded
 * by the kernel; outside it nothing can change.
 */
export { medianFilter, medianKernelVoxels, type MedianKernel } from './median';
export { closeMask, openMask, type MorphologyBuffers } from './morphology';
export { gaussianKernel, gaussianSmooth, jointSmooth } from './gaussian';
