/**
 * The tfjs backends hmmr can run on, by name. Kept apart from ./backend.ts so that the CLI can offer
 * the choices without loading tfjs (about a second) for commands that never train or predict.
 */
export const BACKEND_NAMES = ['tfjs-node-gpu', 'tfjs-node', 'wasm-mlas', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export type BackendChoice = BackendName | 'auto';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', ...BACKEND_NAMES];
