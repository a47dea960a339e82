// Extra benchmark cases for the breadth operators (1D/3D, adaptive, Lp, unpooling): simdpool
// against straightforward JavaScript loops and against every peer (onnxruntime-node/-web,
// tfjs wasm/cpu) that has the same operation with the same semantics (bench/breadth.mjs,
// peer mappings in bench/breadth/peers.mjs). Shapes are in the case's layout. `options`
// are simdpool's; maxUnpool cases pool a 2x larger input first to get real indices.
// Inputs are deterministic values in [-1, 1); `nonNegative` uses their absolute values
// (where a peer's definition only agrees with PyTorch's for x >= 0, e.g. ONNX LpPool, odd p).
export const BREADTH_CASES = [
  { id: 'b1', op: 'maxPool1d', shape: [8, 64, 4096], layout: 'NCW', options: { kernelSize: 3, stride: 2, padding: 1 } },
  { id: 'b1-nwc', op: 'maxPool1d', shape: [8, 4096, 64], layout: 'NWC', options: { kernelSize: 3, stride: 2, padding: 1 } },
  { id: 'b3', op: 'maxPool3d', shape: [2, 32, 16, 56, 56], layout: 'NCDHW', options: { kernelSize: 2, stride: 2 } },
  { id: 'b3-ndhwc', op: 'maxPool3d', shape: [2, 16, 56, 56, 32], layout: 'NDHWC', options: { kernelSize: 2, stride: 2 } },
  { id: 'a3-ndhwc', op: 'avgPool3d', shape: [2, 16, 56, 56, 32], layout: 'NDHWC', options: { kernelSize: 2, stride: 2 } },
  { id: 'ad', op: 'adaptiveAvgPool2d', shape: [8, 512, 25, 25], layout: 'NCHW', options: { outputSize: 7 } },
  { id: 'ad-nhwc', op: 'adaptiveAvgPool2d', shape: [8, 25, 25, 512], layout: 'NHWC', options: { outputSize: 7 } },
  { id: 'ad-wide', op: 'adaptiveAvgPool2d', shape: [1, 64, 112, 112], layout: 'NCHW', options: { outputSize: [30, 30] } },
  // dividing sizes (28 -> 7): the adaptive windows are exactly AveragePool k=s=4, so peers can run it
  { id: 'ad-div', op: 'adaptiveAvgPool2d', shape: [8, 512, 28, 28], layout: 'NCHW', options: { outputSize: 7 } },
  { id: 'ad-div-nhwc', op: 'adaptiveAvgPool2d', shape: [8, 28, 28, 512], layout: 'NHWC', options: { outputSize: 7 } },
  { id: 'lp', op: 'lpPool2d', shape: [1, 64, 112, 112], layout: 'NCHW', options: { normType: 2, kernelSize: 3, stride: 2 } },
  { id: 'lp3', op: 'lpPool2d', shape: [1, 64, 112, 112], layout: 'NCHW', options: { normType: 3, kernelSize: 2, stride: 2 } },
  { id: 'lp3-pos', op: 'lpPool2d', shape: [1, 64, 112, 112], layout: 'NCHW', options: { normType: 3, kernelSize: 2, stride: 2 }, nonNegative: true },
  { id: 'glp', op: 'globalLpPool2d', shape: [8, 512, 14, 14], layout: 'NCHW', options: { normType: 2 } },
  { id: 'un', op: 'maxUnpool2d', shape: [1, 64, 56, 56], layout: 'NCHW', options: { kernelSize: 2, stride: 2 } },
];
