import * as tf from '../../tf/tf.js';

/**
 * Overwrites a variable's values with a fresh tensor (the old buffer is freed).
 * Not written in place on purpose: the wasm backend caches XNNPACK's packed copy of every matMul
 * right-hand operand under the operand's data id, so an in-place write would leave matMul using
 * the old weights (measured: tf.matMul kept returning the pre-update product). A new data id per
 * update also releases the stale packed copy.
 */
export function writeVariable(variable: tf.Variable, values: Float32Array): void {
  if (values.length !== variable.size) throw new RangeError(`${values.length} values for a variable of ${variable.size}`);
  tf.tidy(() => variable.assign(tf.tensor(values, variable.shape, 'float32')));
}
