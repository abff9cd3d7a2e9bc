import * as tf from '../../tf/tf.js';
import type { Rng } from '../rng.js';
import { writeVariable } from './write-variable.js';

/** Fills a new parameter of the given shape. */
export type Initializer = (shape: readonly number[], rng: Rng) => Float32Array;

export const zeros: Initializer = (shape) => new Float32Array(sizeOf(shape));

export const ones: Initializer = (shape) => new Float32Array(sizeOf(shape)).fill(1);

export function constant(values: ArrayLike<number>): Initializer {
  return (shape) => {
    if (values.length !== sizeOf(shape)) throw new Error(`constant initialiser: ${values.length} values for shape [${shape}]`);
    return Float32Array.from(values);
  };
}

/**
 * TF's variance_scaling_initializer(factor, mode='FAN_AVG', uniform=True), which the reference
 * uses everywhere: factor 1 is Xavier/Glorot uniform; "Xavier×0.01" (f_3D's output layer) and
 * "×0.001" (the encoder's second convs, the hallucinator's output) scale the VARIANCE, so blocks
 * start near the identity. For a kernel [k·cin, cout] the fans include the kernel width.
 */
export function varianceScaling(factor = 1, fans?: { fanIn: number; fanOut: number }): Initializer {
  return (shape, rng) => {
    const fanIn = fans?.fanIn ?? shape[0]!;
    const fanOut = fans?.fanOut ?? shape[shape.length - 1]!;
    const limit = Math.sqrt((3 * factor) / ((fanIn + fanOut) / 2));
    return rng.uniformArray(sizeOf(shape), -limit, limit);
  };
}

/**
 * The trainable tensors of one optimiser (encoder side or discriminator side), by stable name.
 * The names are what a checkpoint stores; tfjs's own variable names stay automatic so that
 * several networks can live in one process (tests, predict beside train).
 */
export class ParameterSet {
  private readonly byName = new Map<string, tf.Variable>();

  constructor(private readonly rng: Rng) {}

  create(name: string, shape: readonly number[], initializer: Initializer): tf.Variable {
    if (this.byName.has(name)) throw new Error(`parameter '${name}' created twice`);
    const initial = tf.tensor(initializer(shape, this.rng), [...shape], 'float32');
    const variable = tf.variable(initial, true);
    // The variable shares the initial tensor's memory; releasing the tensor's reference lets that
    // memory go once the first update replaces the variable's value.
    initial.dispose();
    this.byName.set(name, variable);
    return variable;
  }

  /** A view that prefixes names, so each module names its parameters locally. */
  scope(prefix: string): ParameterScope {
    return {
      create: (name, shape, initializer) => this.create(`${prefix}/${name}`, shape, initializer),
      scope: (inner) => this.scope(`${prefix}/${inner}`),
    };
  }

  entries(): [string, tf.Variable][] {
    return [...this.byName.entries()];
  }

  variables(): tf.Variable[] {
    return [...this.byName.values()];
  }

  /** A copy of every parameter's current values, by name. */
  values(): Map<string, Float32Array> {
    return new Map(this.entries().map(([name, variable]) => [name, Float32Array.from(variable.dataSync() as Float32Array)]));
  }

  shapes(): Map<string, readonly number[]> {
    return new Map(this.entries().map(([name, variable]) => [name, variable.shape]));
  }

  /** Overwrites every parameter from `values` (by name); names and sizes must match exactly. */
  load(values: ReadonlyMap<string, Float32Array>): void {
    for (const [name, variable] of this.byName) {
      const data = values.get(name);
      if (!data) throw new Error(`missing parameter '${name}'`);
      if (data.length !== variable.size) throw new Error(`parameter '${name}' has ${data.length} values, the model expects ${variable.size}`);
      writeVariable(variable, data);
    }
    const unknown = [...values.keys()].filter((name) => !this.byName.has(name));
    if (unknown.length > 0) throw new Error(`unexpected parameter '${unknown[0]}'${unknown.length > 1 ? ` and ${unknown.length - 1} more` : ''}`);
  }

  get size(): number {
    let total = 0;
    for (const variable of this.byName.values()) total += variable.size;
    return total;
  }

  dispose(): void {
    for (const variable of this.byName.values()) variable.dispose();
    this.byName.clear();
  }
}

export interface ParameterScope {
  create(name: string, shape: readonly number[], initializer: Initializer): tf.Variable;
  scope(prefix: string): ParameterScope;
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}
