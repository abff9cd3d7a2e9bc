export interface AdamOptions {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** Adam's whole state, as a checkpoint stores it. */
export interface AdamState {
  step: number;
  firstMoment: Map<string, Float32Array>;
  secondMoment: Map<string, Float32Array>;
}

/**
 * Adam (TF1's AdamOptimizer update: lr_t = lr·√(1−β2ᵗ)/(1−β1ᵗ), θ −= lr_t·m/(√v + ε)) on plain
 * Float32Arrays in the JS heap, holding the master copy of every parameter; callers copy the
 * values to wherever the network runs (ParameterSet.load, or the workers' shared buffer).
 * Why not tf.train.adam: its moments live in the backend's memory, and the wasm backend's heap is
 * capped at 4 GB and never shrinks; at the paper's width parameters, gradients, XNNPACK's packed
 * weight copies and two moments do not fit together. The state is also trivially saved and
 * restored, so a resumed run continues exactly.
 */
export class Adam {
  private readonly values = new Map<string, Float32Array>();
  private state: AdamState;

  constructor(
    initialValues: ReadonlyMap<string, Float32Array>,
    readonly options: AdamOptions,
  ) {
    this.state = { step: 0, firstMoment: new Map(), secondMoment: new Map() };
    for (const [name, values] of initialValues) {
      this.values.set(name, Float32Array.from(values));
      this.state.firstMoment.set(name, new Float32Array(values.length));
      this.state.secondMoment.set(name, new Float32Array(values.length));
    }
  }

  get step(): number {
    return this.state.step;
  }

  /** Current parameter values by name (the master copy; do not modify). */
  parameterValues(): ReadonlyMap<string, Float32Array> {
    return this.values;
  }

  /** One update with the given gradients (by parameter name; a missing gradient counts as zero). */
  apply(gradients: ReadonlyMap<string, Float32Array>): void {
    const { learningRate, beta1, beta2, epsilon } = this.options;
    const step = ++this.state.step;
    const rate = (learningRate * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
    for (const [name, theta] of this.values) {
      const g = gradients.get(name);
      const m = this.state.firstMoment.get(name)!;
      const v = this.state.secondMoment.get(name)!;
      for (let i = 0; i < theta.length; i++) {
        const gi = g ? g[i]! : 0;
        const mi = beta1 * m[i]! + (1 - beta1) * gi;
        const vi = beta2 * v[i]! + (1 - beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        theta[i] = theta[i]! - (rate * mi) / (Math.sqrt(vi) + epsilon);
      }
    }
  }

  exportState(): AdamState {
    return this.state;
  }

  /** Restores parameters and moments (from a checkpoint); names and sizes must match. */
  importState(values: ReadonlyMap<string, Float32Array>, state: AdamState): void {
    for (const [name, current] of this.values) {
      const m = state.firstMoment.get(name);
      const v = state.secondMoment.get(name);
      if (!m || !v) throw new Error(`optimizer state lacks parameter '${name}'`);
      if (m.length !== current.length || v.length !== current.length) throw new Error(`parameter '${name}': moments of ${m.length} values, the model expects ${current.length}`);
    }
    this.setParameterValues(values);
    this.state = { step: state.step, firstMoment: copyMap(state.firstMoment), secondMoment: copyMap(state.secondMoment) };
  }

  /** Replaces the parameters (starting weights for a fine-tune), keeping the moments; names and sizes must match. */
  setParameterValues(values: ReadonlyMap<string, Float32Array>): void {
    for (const [name, current] of this.values) {
      const restored = values.get(name);
      if (!restored) throw new Error(`the starting weights lack parameter '${name}'`);
      if (restored.length !== current.length) throw new Error(`parameter '${name}' has ${restored.length} values, the model expects ${current.length}`);
    }
    for (const [name, current] of this.values) current.set(values.get(name)!);
  }
}

function copyMap(map: ReadonlyMap<string, Float32Array>): Map<string, Float32Array> {
  return new Map([...map].map(([name, values]) => [name, Float32Array.from(values)]));
}
