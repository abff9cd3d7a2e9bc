import { after, before } from 'node:test';
import type { LbsBodyModel } from '../../src/body/lbs.js';
import { initBackend } from '../../src/tf/backend.js';
import { loadTrainingBodyModel } from '../../src/train/body-model.js';

/**
 * The set-up every training test file shares: the wasm backend and the shipped stand-in body model,
 * loaded before the file's tests and disposed after them. `use` receives the loaded model.
 */
export function useStandinBody(use: (body: LbsBodyModel) => void): void {
  let body: LbsBodyModel | undefined;
  before(async () => {
    await initBackend('wasm');
    body = loadTrainingBodyModel('standin');
    use(body);
  });
  after(() => body?.dispose());
}
