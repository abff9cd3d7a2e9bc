/**
 * Writes small but real ONNX models at test time: ONNX files are protobuf (onnx/onnx.proto), and a
 * graph of strided 1×1 convolutions needs only a handful of message types. Field numbers are the
 * ones in onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto,
 * TypeProto, TensorShapeProto, OperatorSetIdProto).
 */
import { ONNX_FLOAT as FLOAT, ProtoWriter, writeFloatTensorType as tensorType } from '../../src/util/onnx-proto.js';

const ATTRIBUTE_INTS = 7;

export interface ConvOutput {
  name: string;
  channels: number;
  /** weights[c][inputChannel] of the 1×1 kernel; bias[c]. Defaults: channel c = c + image channel 0. */
  weights?: (channel: number, inputChannel: number) => number;
  bias?: (channel: number) => number;
}

export interface ConvModelSpec {
  inputName: string;
  /** Stride of every 1×1 convolution, i.e. the model's output stride. */
  stride: number;
  outputs: ConvOutput[];
}

function floatTensor(writer: ProtoWriter, name: string, dims: number[], values: Float32Array): void {
  for (const dim of dims) writer.int(1, dim);
  writer.int(2, FLOAT);
  writer.string(8, name);
  writer.bytesField(9, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

/**
 * A model with input [N, 3, H, W] and, per output, one Conv (1×1 kernel, stride s, no padding):
 * output [N, C, ceil(H/s), ceil(W/s)], each cell reading the top-left input pixel of its block.
 */
export function buildConvModel(spec: ConvModelSpec): Uint8Array {
  const model = new ProtoWriter();
  model.int(1, 8); // ir_version 8
  model.string(2, 'hmmr-test');
  model.message(7, (graph) => {
    spec.outputs.forEach((output, index) => {
      const weightName = `w${index}`;
      const biasName = `b${index}`;
      graph.message(1, (node) => {
        node.string(1, spec.inputName).string(1, weightName).string(1, biasName);
        node.string(2, output.name);
        node.string(3, `conv${index}`);
        node.string(4, 'Conv');
        for (const [name, values] of [['kernel_shape', [1, 1]], ['strides', [spec.stride, spec.stride]]] as const) {
          node.message(5, (attribute) => {
            attribute.string(1, name);
            for (const value of values) attribute.int(8, value);
            attribute.int(20, ATTRIBUTE_INTS);
          });
        }
      });
      const weights = new Float32Array(output.channels * 3);
      const bias = new Float32Array(output.channels);
      for (let c = 0; c < output.channels; c++) {
        bias[c] = output.bias ? output.bias(c) : c;
        for (let i = 0; i < 3; i++) weights[c * 3 + i] = output.weights ? output.weights(c, i) : i === 0 ? 1 : 0;
      }
      graph.message(5, (tensor) => floatTensor(tensor, weightName, [output.channels, 3, 1, 1], weights));
      graph.message(5, (tensor) => floatTensor(tensor, biasName, [output.channels], bias));
    });
    graph.string(2, 'hmmr-test-graph');
    graph.message(11, (input) => input.string(1, spec.inputName).message(2, (type) => tensorType(type, ['N', 3, 'H', 'W'])));
    for (const output of spec.outputs) {
      graph.message(12, (value) => value.string(1, output.name).message(2, (type) => tensorType(type, ['N', output.channels, 'h', 'w'])));
    }
  });
  model.message(8, (opset) => opset.string(1, '').int(2, 13));
  return model.finish();
}
