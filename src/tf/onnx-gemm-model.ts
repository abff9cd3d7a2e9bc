import { ProtoWriter, writeFloatTensorType } from '../util/onnx-proto.js';

/** Which one-node GEMM graph: Y = act(op(A)·op(B) [+ C]), op = transpose or not. */
export interface GemmVariant {
  transposeA: boolean;
  transposeB: boolean;
  /** A bias C [N] broadcast over the rows. */
  bias: boolean;
  /** A Relu node after the Gemm. */
  relu: boolean;
}

const ATTRIBUTE_INT = 2;

/**
 * The ONNX model of one GEMM with symbolic M, K, N: a `Gemm` node (opset 13; transA/transB
 * attributes, optional C) and an optional `Relu`. onnxruntime runs `Gemm` on MLAS's SGEMM.
 * Inputs are named A, B (and C), the output Y.
 */
export function buildGemmModel(variant: GemmVariant): Uint8Array {
  const model = new ProtoWriter();
  model.int(1, 8); // ir_version 8
  model.string(2, 'hmmr-gemm');
  model.message(7, (graph) => {
    const gemmOutput = variant.relu ? 'G' : 'Y';
    graph.message(1, (node) => {
      node.string(1, 'A').string(1, 'B');
      if (variant.bias) node.string(1, 'C');
      node.string(2, gemmOutput).string(3, 'gemm').string(4, 'Gemm');
      for (const [name, value] of [['transA', variant.transposeA], ['transB', variant.transposeB]] as const) {
        node.message(5, (attribute) => attribute.string(1, name).int(3, value ? 1 : 0).int(20, ATTRIBUTE_INT));
      }
    });
    if (variant.relu) graph.message(1, (node) => node.string(1, 'G').string(2, 'Y').string(3, 'relu').string(4, 'Relu'));
    graph.string(2, 'hmmr-gemm-graph');
    const input = (name: string, dims: string[]) =>
      graph.message(11, (value) => value.string(1, name).message(2, (type) => writeFloatTensorType(type, dims)));
    input('A', variant.transposeA ? ['K', 'M'] : ['M', 'K']);
    input('B', variant.transposeB ? ['N', 'K'] : ['K', 'N']);
    if (variant.bias) input('C', ['N']);
    graph.message(12, (value) => value.string(1, 'Y').message(2, (type) => writeFloatTensorType(type, ['M', 'N'])));
  });
  model.message(8, (opset) => opset.string(1, '').int(2, 13));
  return model.finish();
}
