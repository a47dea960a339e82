// Hand-written protobuf encoder for a single-node ONNX model (pooling, unpooling).
//
// Only the handful of onnx.proto messages needed for one MaxPool / AveragePool /
// GlobalAveragePool node are encoded (field numbers from onnx/onnx.proto):
//   ModelProto        ir_version=1 producer_name=2 graph=7 opset_import=8
//   OperatorSetIdProto domain=1 version=2
//   GraphProto        node=1 name=2 input=11 output=12
//   NodeProto         input=1 output=2 name=3 op_type=4 attribute=5 domain=7
//   AttributeProto    name=1 i=3 s=4 ints=8 type=20   (AttributeType INT=2, STRING=3, INTS=7)
//   ValueInfoProto    name=1 type=2
//   TypeProto         tensor_type=1 ; TypeProto.Tensor elem_type=1 (FLOAT=1, UINT8=2, INT8=3, INT64=7) shape=2
//   TensorShapeProto  dim=1 ; Dimension dim_value=1
// onnx.proto is proto2, so repeated scalars are written unpacked (one tag each).

const WIRE_VARINT = 0;
const WIRE_LEN = 2;

class Writer {
  constructor() { this.bytes = []; }
  varint(v) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`varint out of range: ${v}`);
    while (v >= 0x80) {
      this.bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.bytes.push(v);
    return this;
  }
  tag(field, wire) { return this.varint(field * 8 + wire); }
  int(field, v) { return this.tag(field, WIRE_VARINT).varint(v); }
  raw(field, u8) {
    this.tag(field, WIRE_LEN).varint(u8.length);
    for (const b of u8) this.bytes.push(b);
    return this;
  }
  string(field, s) { return this.raw(field, new TextEncoder().encode(s)); }
  message(field, build) {
    const w = new Writer();
    build(w);
    return this.raw(field, w.finish());
  }
  finish() { return Uint8Array.from(this.bytes); }
}

const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_INTS = 7;
/** TensorProto.DataType element types. */
export const FLOAT = 1;
export const UINT8 = 2;
export const INT8 = 3;
export const INT64 = 7;

function valueInfo(w, { name, shape, type = FLOAT }) {
  w.string(1, name);
  w.message(2, (t) =>
    t.message(1, (tensor) => {
      tensor.int(1, type);
      // (no shape: left to the runtime, e.g. an output whose size the test does not predict)
      if (shape) {
        tensor.message(2, (shp) => {
          for (const d of shape) shp.message(1, (dim) => dim.int(1, d));
        });
      }
    }),
  );
}

function attribute(w, name, value) {
  w.string(1, name);
  if (Array.isArray(value)) {
    for (const v of value) w.int(8, v);
    w.int(20, ATTR_INTS);
  } else if (typeof value === 'string') {
    w.string(4, value);
    w.int(20, ATTR_STRING);
  } else {
    w.int(3, value);
    w.int(20, ATTR_INT);
  }
}

/**
 * Encode a one-node ONNX model whose node may take several inputs of different element types
 * (MaxUnpool: float X and int64 indices).
 * @param {object} o
 * @param {string} o.op  ONNX op_type
 * @param {{name: string, shape: number[], type?: number}[]} o.inputs  type: FLOAT (default) or INT64
 * @param {{name: string, shape: number[] | null, type?: number}} o.output  shape null: undeclared
 * @param {{name: string, shape: number[] | null, type?: number}[]} [o.outputs]  several outputs (MaxPool's Y and Indices), instead of output
 * @param {Record<string, number|number[]|string>} [o.attributes]  non-negative ints, or strings (auto_pad)
 * @param {number} [o.opset]
 * @param {string} [o.domain]  the node's operator domain (e.g. 'com.microsoft' for QLinearAveragePool), imported at version 1
 * @returns {Uint8Array}
 */
export function encodeNodeModel({ op, inputs, output, outputs = [output], attributes = {}, opset = 13, domain = '' }) {
  const model = new Writer();
  model.int(1, 8); // ir_version 8 (ONNX 1.10+), understood by every current runtime
  model.string(2, 'simdpool-bench');
  model.message(7, (graph) => {
    graph.message(1, (node) => {
      for (const i of inputs) node.string(1, i.name);
      for (const o of outputs) node.string(2, o.name);
      node.string(3, 'pool');
      node.string(4, op);
      if (domain) node.string(7, domain); // NodeProto.domain
      for (const [name, value] of Object.entries(attributes)) {
        node.message(5, (a) => attribute(a, name, value));
      }
    });
    graph.string(2, 'pool_graph');
    for (const i of inputs) graph.message(11, (vi) => valueInfo(vi, i));
    for (const o of outputs) graph.message(12, (vi) => valueInfo(vi, o));
  });
  model.message(8, (os) => {
    os.string(1, '');
    os.int(2, opset);
  });
  if (domain) {
    model.message(8, (os) => {
      os.string(1, domain);
      os.int(2, 1);
    });
  }
  return model.finish();
}

/**
 * Encode a one-node pooling model: float input 'x' (NCHW) to float output 'y'.
 * @param {object} o
 * @param {'MaxPool'|'AveragePool'|'GlobalAveragePool'|'GlobalMaxPool'} o.op
 * @param {number[]} o.inputShape   NCHW
 * @param {number[]} o.outputShape  NCHW
 * @param {Record<string, number|number[]>} [o.attributes]
 * @param {number} [o.opset]
 * @returns {Uint8Array}
 */
export function encodePoolModel({ op, inputShape, outputShape, attributes = {}, opset = 13 }) {
  return encodeNodeModel({ op, inputs: [{ name: 'x', shape: inputShape }], output: { name: 'y', shape: outputShape }, attributes, opset });
}

/** ONNX attributes equivalent to a PyTorch-style pooling spec (ceil_mode 0). */
export function onnxPoolAttributes(spec) {
  const [kh, kw] = spec.kernel;
  const [sh, sw] = spec.stride;
  const [ph, pw] = spec.padding;
  const attrs = {
    kernel_shape: [kh, kw],
    strides: [sh, sw],
    pads: [ph, pw, ph, pw],
  };
  if (spec.op === 'avg') attrs.count_include_pad = spec.countIncludePad ? 1 : 0;
  return attrs;
}
