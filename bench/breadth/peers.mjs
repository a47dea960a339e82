// Peers for the breadth cases: how each case maps onto onnxruntime (node / web) and tfjs
// (wasm / cpu backends), or why it does not. A plan is either { skip: reason } or what the
// runner needs. Peers get the input in their own layout (ONNX channels-first, tfjs
// channels-last), transposed outside the timing; outputs are transposed back for checking.
import { encodeNodeModel, FLOAT, INT64 } from '../onnx-model.mjs';
import createOrtNode from '../impl/ort-node.mjs';
import createOrtWeb from '../impl/ort-web.mjs';
import { ORT_NODE_SESSION, ORT_WEB_SESSION } from '../impl/ort-common.mjs';
import { loadTf, useBackend } from '../impl/tfjs-common.mjs';

const same = (a) => a.every((v) => v === a[0]);

// ---------------------------------------------------------------------------
// ONNX

/**
 * The ONNX node for case geometry `g`, or { skip }. `semantics` set means ORT runs the case
 * but its definition differs from PyTorch's there: its output is shown, not judged.
 */
export function onnxPlan(g) {
  const { c, dims, outDims } = g;
  const o = c.options;
  const x = { name: 'x', shape: dims };
  const y = { name: 'y', shape: outDims };
  const pads = (p) => [...p, ...p];
  const strided = (extra = {}) => ({ kernel_shape: g.k, strides: g.s, pads: pads(g.p), ...extra });
  switch (c.op) {
    case 'maxPool1d':
    case 'maxPool2d':
    case 'maxPool3d':
      if (o.ceilMode || o.dilation) return { skip: 'ceilMode/dilation not mapped' };
      return { op: 'MaxPool', inputs: [x], output: y, attributes: strided() };
    case 'avgPool3d':
      if (o.ceilMode || o.divisorOverride) return { skip: 'ceilMode/divisorOverride not mapped' };
      return { op: 'AveragePool', inputs: [x], output: y, attributes: strided({ count_include_pad: o.countIncludePad === false ? 0 : 1 }) };
    case 'adaptiveAvgPool2d': {
      const inSp = dims.slice(2), outSp = outDims.slice(2);
      if (outSp.every((v) => v === 1)) return { op: 'GlobalAveragePool', inputs: [x], output: y };
      if (inSp.every((n, i) => n % outSp[i] === 0)) {
        const k = inSp.map((n, i) => n / outSp[i]);
        return { op: 'AveragePool', inputs: [x], output: y, attributes: { kernel_shape: k, strides: k, pads: pads(k.map(() => 0)) }, note: 'as AveragePool k=s=in/out' };
      }
      return {
        skip: `ONNX has no adaptive pooling op; ${inSp.join('x')}→${outSp.join('x')} does not divide, so the windows vary in size (and overlap) and no single AveragePool expresses them`,
      };
    }
    case 'lpPool2d': {
      const p = o.normType ?? 2;
      if (!Number.isInteger(p) || p < 1) return { skip: `ONNX LpPool p is an integer attribute, normType ${p} is not` };
      if (o.ceilMode) return { skip: 'ceilMode: PyTorch rescales partial windows (avg * kernel size), ONNX sums them: not the same op' };
      const plan = { op: 'LpPool', inputs: [x], output: y, attributes: { kernel_shape: g.k, strides: g.s, pads: pads(g.p), p } };
      if (p % 2 === 1 && !c.nonNegative) {
        plan.semantics =
          `ONNX LpPool is (Σ|x|^p)^(1/p); PyTorch's lp_pool is (Σx^p)^(1/p) (avg_pool of x^p times the kernel size), so for odd p and negative inputs they differ (PyTorch gives NaN where Σx^p < 0); equal only for x ≥ 0, see lp3-pos`;
      }
      return plan;
    }
    case 'globalLpPool2d': {
      const p = o.normType ?? 2;
      const plan = { op: 'GlobalLpPool', inputs: [x], output: y, attributes: { p } };
      if (p % 2 === 1 && !c.nonNegative) plan.semantics = 'ONNX GlobalLpPool uses |x|^p, simdpool x^p: differ for odd p and negative inputs';
      return plan;
    }
    case 'maxUnpool2d':
      return {
        op: 'MaxUnpool',
        inputs: [{ name: 'x', shape: g.unpool.inDims }, { name: 'i', shape: g.unpool.inDims, type: INT64 }],
        output: y,
        attributes: strided(),
        note: "indices from simdpool's maxPool2d with indexFormat 'onnx' (int64, flat over N,C,H,W)",
      };
    default:
      return { skip: `${c.op} not mapped to ONNX` };
  }
}


/** onnxruntime peers: [{ id, label, note, prepare(g) }]. Same settings as bench/impl/ort-*.mjs. */
export async function ortPeers() {
  const peers = [];
  for (const [id, create, pkg, options] of [
    ['ort-node', createOrtNode, 'onnxruntime-node', ORT_NODE_SESSION],
    ['ort-web', createOrtWeb, 'onnxruntime-web', ORT_WEB_SESSION],
  ]) {
    let made;
    try {
      made = await create(); // sets ort.env (web: numThreads 1, no proxy) as the main bench does
      const ort = await import(pkg);
      peers.push({ id, kind: 'ort', mode: 'e2e', label: made[0].label, note: made[0].note, prepare: (g) => ortRunner(ort, g, options) });
    } catch (e) {
      peers.push({ id, kind: 'ort', failed: `failed to load ${pkg}: ${e.message}` });
    }
  }
  return peers;
}

/** Timed: new ort.Tensor for each input + await session.run + reading the output data. */
async function ortRunner(ort, g, options) {
  const plan = onnxPlan(g);
  if (plan.skip) return plan;
  const model = encodeNodeModel({ op: plan.op, inputs: plan.inputs, output: plan.output, attributes: plan.attributes ?? {} });
  const session = await ort.InferenceSession.create(model, options);
  const feedsData = plan.inputs.map((i) => (i.name === 'x' ? (g.unpool ? g.unpool.valuesCF : g.x.cf) : g.unpool.indicesOnnx));
  let last = null;
  const run = async () => {
    const feeds = {};
    plan.inputs.forEach((i, k) => {
      feeds[i.name] = new ort.Tensor(i.type === INT64 ? 'int64' : 'float32', feedsData[k], i.shape);
    });
    const r = await session.run(feeds);
    last = r.y.data;
    r.y.dispose?.();
  };
  return {
    async: true,
    layout: 'cf',
    semantics: plan.semantics,
    note: plan.note,
    run,
    async output() {
      await run();
      return Float32Array.from(last);
    },
    dispose: () => session.release(),
  };
}

// ---------------------------------------------------------------------------
// tfjs (NHWC / NDHWC ops only)

/** (tf, x) => y on channels-last data, with the tensor shape, or { skip }. */
export function tfPlan(g) {
  const { c, dims, outDims } = g;
  const o = c.options;
  const [N, C, ...inSp] = dims;
  const outSp = outDims.slice(2);
  switch (c.op) {
    case 'maxPool1d': {
      if (o.ceilMode || o.dilation) return { skip: 'ceilMode/dilation not mapped' };
      const [W] = inSp, [k] = g.k, [s] = g.s, [p] = g.p;
      const pad = p === 0 ? 'valid' : [[0, 0], [0, 0], [p, p], [0, 0]]; // explicit padding, ignored by max
      return { shape: [N, 1, W, C], fn: (tf, x) => tf.maxPool(x, [1, k], [1, s], pad), note: 'tf.maxPool on [N,1,W,C]' };
    }
    case 'maxPool3d':
    case 'avgPool3d': {
      if (o.ceilMode || o.dilation || o.divisorOverride) return { skip: 'ceilMode/dilation/divisorOverride not mapped' };
      if (!same(g.p)) return { skip: 'per-axis padding not expressible (tfjs 3D pools take one number)' };
      const avg = c.op === 'avgPool3d';
      if (avg && g.p[0] > 0 && o.countIncludePad !== false) return { skip: 'tfjs avgPool3d always excludes padding (countIncludePad true)' };
      const pad = g.p[0] === 0 ? 'valid' : g.p[0];
      const f = avg ? 'avgPool3d' : 'maxPool3d';
      return { shape: [N, ...inSp, C], fn: (tf, x) => tf[f](x, g.k, g.s, pad), note: `tf.${f} NDHWC` }; // dataFormat: NDHWC is the default and only one
    }
    case 'adaptiveAvgPool2d': {
      if (inSp.every((n, i) => n % outSp[i] === 0)) {
        const k = inSp.map((n, i) => n / outSp[i]);
        return { shape: [N, ...inSp, C], fn: (tf, x) => tf.avgPool(x, k, k, 'valid'), note: 'as tf.avgPool k=s=in/out' };
      }
      return { skip: `tfjs has no adaptive pooling; ${inSp.join('x')}→${outSp.join('x')} does not divide, so no single avgPool expresses it` };
    }
    case 'lpPool2d':
    case 'globalLpPool2d':
      return { skip: 'tfjs has no Lp pooling op (only a pow → avgPool → pow composite, not the same operation)' };
    case 'maxUnpool2d':
      return { skip: 'tfjs has no max-unpooling op (it has maxPoolWithArgmax, but nothing scatters back)' };
    default:
      return { skip: `${c.op} not mapped to tfjs` };
  }
}

/**
 * tfjs peers. resident: input tensor made once on the backend, timed = op + dispose of the
 * result (kernels run synchronously). e2e: timed = tf.tensor(Float32Array) + op + dataSync().
 */
export async function tfPeers() {
  let loaded;
  try {
    loaded = await loadTf();
  } catch (e) {
    return [{ id: 'tfjs', kind: 'tfjs', failed: `failed to load tfjs: ${e.message}` }];
  }
  const { tf, versions } = loaded;
  const peers = [];
  for (const backend of ['wasm', 'cpu']) {
    const kernels = ['MaxPool', 'AvgPool', 'MaxPool3D', 'AvgPool3D'].filter((k) => tf.getKernel(k, backend));
    const note = `tfjs-backend-${backend} ${versions[backend]}; kernels registered: ${kernels.join(', ')}`;
    for (const mode of ['resident', 'e2e']) {
      peers.push({
        id: `tfjs-${backend}${mode === 'resident' ? '-res' : ''}`,
        kind: 'tfjs',
        backend,
        mode,
        label: `tfjs-${backend} (${mode === 'resident' ? 'resident' : 'end-to-end'})`,
        note,
        kernels,
        prepare: (g) => tfRunner(tf, backend, mode, g),
      });
    }
  }
  return peers;
}

// Found by this bench (tfjs-backend-wasm 4.22): tf.maxPool3d on [1,2,2,2,1] of -1..-8 gives
// 1.1754944e-38 on wasm, -1 on cpu; tf.maxPool (2D, XNNPACK) is right on the same data.
export const TFJS_WASM_MAXPOOL3D_BUG =
  "tfjs-backend-wasm's MaxPool3D kernel starts every window at FLT_MIN (1.1754944e-38, the smallest positive float) instead of -Infinity, so a window whose values are all negative returns 1.1754944e-38 (a 2x2x2 window of -1..-8 gives 1.1754944e-38 on wasm, -1 on cpu); a bug in tfjs, not a semantic difference";

const KERNEL_OF = { maxPool: 'MaxPool', avgPool: 'AvgPool', maxPool3d: 'MaxPool3D', avgPool3d: 'AvgPool3D' };

function tfRunner(tf, backend, mode, g) {
  const plan = tfPlan(g);
  if (plan.skip) return plan;
  const kernel = KERNEL_OF[plan.note.match(/tf\.(\w+)/)[1]];
  if (kernel && !tf.getKernel(kernel, backend)) return { skip: `tfjs-backend-${backend} registers no ${kernel} kernel` };
  const data = g.x.cl;
  const op = (x) => plan.fn(tf, x);
  let x;
  let last = null;
  const runner = {
    layout: 'cl',
    note: plan.note,
    known: backend === 'wasm' && kernel === 'MaxPool3D' ? TFJS_WASM_MAXPOOL3D_BUG : undefined,
    // before every sample (untimed): make this backend active; after a switch, one untimed call
    async activate() {
      const switched = await useBackend(tf, backend);
      if (mode === 'resident') x ??= tf.tensor(data, plan.shape, 'float32');
      if (switched) runner.run();
    },
    run:
      mode === 'resident'
        ? () => op(x).dispose()
        : () => {
            const t = tf.tensor(data, plan.shape, 'float32');
            const y = op(t);
            last = y.dataSync();
            t.dispose();
            y.dispose();
          },
    async output() {
      await runner.activate();
      const t = x ?? tf.tensor(data, plan.shape, 'float32');
      const y = op(t);
      const out = y.dataSync().slice();
      y.dispose();
      if (t !== x) t.dispose();
      return out;
    },
    dispose() {
      x?.dispose();
    },
  };
  return runner;
}
