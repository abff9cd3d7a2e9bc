/**
 * Just enough of protobuf and onnx.proto to write small ONNX models in memory: the one-node GEMM
 * graphs of src/tf/onnx-gemm-model.ts and the test suite's tiny networks. Field numbers are the ones
 * in onnx/onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
 * ValueInfoProto, TypeProto, TensorShapeProto, OperatorSetIdProto).
 */

/** Minimal protobuf writer: varint, 32-bit and length-delimited fields. */
export class ProtoWriter {
  private readonly bytes: number[] = [];

  private varint(value: number): void {
    let v = BigInt(value);
    if (v < 0n) v += 1n << 64n; // negative int64 values are 10-byte two's complement varints
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) byte |= 0x80;
      this.bytes.push(byte);
    } while (v > 0n);
  }

  private tag(field: number, wireType: 0 | 2 | 5): void {
    this.varint((field << 3) | wireType);
  }

  int(field: number, value: number): this {
    this.tag(field, 0);
    this.varint(value);
    return this;
  }

  /** A 32-bit float field (wire type 5, little-endian). */
  float(field: number, value: number): this {
    this.tag(field, 5);
    const bytes = new Uint8Array(new Float32Array([value]).buffer);
    for (const byte of bytes) this.bytes.push(byte);
    return this;
  }

  bytesField(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.varint(value.length);
    for (const byte of value) this.bytes.push(byte);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytesField(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (writer: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytesField(field, inner.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** TensorProto.DataType FLOAT. */
export const ONNX_FLOAT = 1;

/** A TypeProto of a float tensor; a string dimension is symbolic (any size at run time). */
export function writeFloatTensorType(writer: ProtoWriter, dims: readonly (number | string)[]): void {
  writer.message(1, (tensor) => {
    tensor.int(1, ONNX_FLOAT);
    tensor.message(2, (shape) => {
      for (const dim of dims) shape.message(1, (d) => (typeof dim === 'number' ? d.int(1, dim) : d.string(2, dim)));
    });
  });
}
