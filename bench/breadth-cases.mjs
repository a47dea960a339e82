// Extra benchmark cases for the breadth operators (1D/3D, adaptive, Lp, unpooling): simdpool
// against straightforward JavaScript loops (bench/breadth.mjs). Shapes are in the case's layout.
// `options` are simdpool's; maxUnpool cases pool a 2x larger input first to get real indices.
export const BREADTH_CASES = [
  { id: 'b1', op: 'maxPool1d', shape: [8, 64, 4096], layout: 'NCW', options: { kernelSize: 3, stride: 2, padding: 1 } },
  { id: 'b1-nwc', op: 'maxPool1d', shape: [8, 4096, 64], layout: 'NWC', options: { kernelSize: 3, stride: 2, padding: 1 } },
  { id: 'b3', op: 'maxPool3d', shape: [2, 32, 16, 56, 56], layout: 'NCDHW', options: { kernelSize: 2, stride: 2 } },
  { id: 'b3-ndhwc', op: 'maxPool3d', shape: [2, 16, 56, 56, 32], layout: 'NDHWC', options: { kernelSize: 2, stride: 2 } },
  { id: 'ad', op: 'adaptiveAvgPool2d', shape: [8, 512, 25, 25], layout: 'NCHW', options: { outputSize: 7 } },
  { id: 'ad-nhwc', op: 'adaptiveAvgPool2d', shape: [8, 25, 25, 512], layout: 'NHWC', options: { outputSize: 7 } },
  { id: 'ad-wide', op: 'adaptiveAvgPool2d', shape: [1, 64, 112, 112], layout: 'NCHW', options: { outputSize: [30, 30] } },
  { id: 'lp', op: 'lpPool2d', shape: [1, 64, 112, 112], layout: 'NCHW', options: { normType: 2, kernelSize: 3, stride: 2 } },
  { id: 'lp3', op: 'lpPool2d', shape: [1, 64, 112, 112], layout: 'NCHW', options: { normType: 3, kernelSize: 2, stride: 2 } },
  { id: 'un', op: 'maxUnpool2d', shape: [1, 64, 56, 56], layout: 'NCHW', options: { kernelSize: 2, stride: 2 } },
];
