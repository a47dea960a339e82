// One-node ONNX models for the breadth peers (onnxruntime-node / -web). Like
// bench/onnx-model.mjs (same onnx.proto field numbers), but a node may take several
// inputs of different element types (MaxUnpool: float X + int64 I), which
// encodePoolModel there (one float input 'x') cannot express.
//   ModelProto ir_version=1 producer_name=2 graph=7 opset_import=8
//   GraphProto node=1 name=2 input=11 output=12 ; NodeProto input=1 output=2 name=3 op_type=4 attribute=5
//   AttributeProto name=1 i=3 ints=8 type=20 (INT=2, INTS=7) ; ValueInfoProto name=1 type=2
//   TypeProto tensor_type=1 ; Tensor elem_type=1 (FLOAT=1, INT64=7) shape=2 ; Dimension dim_value=1

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
  int(field, v) { return this.tag(field, 0).varint(v); }
  raw(field, u8) {
    this.tag(field, 2).varint(u8.length);
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

export const FLOAT = 1;
export const INT64 = 7;

function valueInfo(w, { name, shape, type = FLOAT }) {
  w.string(1, name);
  w.message(2, (t) =>
    t.message(1, (tensor) => {
      tensor.int(1, type);
      tensor.message(2, (s) => {
        for (const d of shape) s.message(1, (dim) => dim.int(1, d));
      });
    }),
  );
}

/**
 * @param {object} o
 * @param {string} o.op  ONNX op_type
 * @param {{name: string, shape: number[], type?: number}[]} o.inputs
 * @param {{name: string, shape: number[], type?: number}} o.output
 * @param {Record<string, number|number[]>} [o.attributes]  non-negative ints only
 * @param {number} [o.opset]
 */
export function encodeNodeModel({ op, inputs, output, attributes = {}, opset = 13 }) {
  const model = new Writer();
  model.int(1, 8);
  model.string(2, 'simdpool-bench-breadth');
  model.message(7, (graph) => {
    graph.message(1, (node) => {
      for (const i of inputs) node.string(1, i.name);
      node.string(2, output.name);
      node.string(3, 'op');
      node.string(4, op);
      for (const [name, value] of Object.entries(attributes)) {
        node.message(5, (a) => {
          a.string(1, name);
          if (Array.isArray(value)) {
            for (const v of value) a.int(8, v);
            a.int(20, 7);
          } else {
            a.int(3, value);
            a.int(20, 2);
          }
        });
      }
    });
    graph.string(2, 'g');
    for (const i of inputs) graph.message(11, (vi) => valueInfo(vi, i));
    graph.message(12, (vi) => valueInfo(vi, output));
  });
  model.message(8, (os) => {
    os.string(1, '');
    os.int(2, opset);
  });
  return model.finish();
}
