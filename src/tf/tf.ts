/**
 * The one tfjs namespace hmmr imports (`import * as tf from './tf.js'`).
 *
 * Why '@tensorflow/tfjs' and not '@tensorflow/tfjs-core': in Node the core package's entry point
 * registers no gradients (its bundle leaves them to the umbrella package), so `tf.grad` on a
 * core-only import fails with "gradient function not found". The umbrella package requires the
 * same node_modules copy of tfjs-core that @tensorflow/tfjs-backend-wasm and tfjs-node require,
 * so there is one engine and one kernel registry whatever backend runs. Types stay those of
 * tfjs-core (src/body/types.ts imports them from there), which the umbrella re-exports.
 *
 * Production mode is switched on here, before any backend writes a tensor: it silences tfjs's
 * "install tfjs-node to speed things up" banner (tfjs-node cannot be installed on most machines
 * hmmr targets, and backend.ts already reports which backend runs) and other console chatter.
 * It does not change results.
 *
 * Nothing here picks a backend: that is src/tf/backend.ts's job.
 */
import * as tf from '@tensorflow/tfjs';

tf.enableProdMode();

export * from '@tensorflow/tfjs';
