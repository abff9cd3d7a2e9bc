import * as tf from './tf.js';

interface HeapBackend {
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

/**
 * A float32 tensor's values without a copy where the backend allows it (tfjs-wasm: a view on its
 * heap), else `dataSync()`. The view is valid only until tfjs allocates again (wasm memory may
 * grow and move): read it at once. Reading a step's gradients this way saves copying every
 * parameter's gradient out of the heap (48 MB a step at the cpu preset) and the garbage it leaves.
 */
export function readFloat32(tensor: tf.Tensor): Float32Array {
  const backend = tf.backend() as unknown as Partial<HeapBackend>;
  if (tensor.dtype === 'float32' && tf.getBackend() === 'wasm' && typeof backend.typedArrayFromHeap === 'function') {
    return backend.typedArrayFromHeap(tensor);
  }
  return tensor.dataSync() as Float32Array;
}
