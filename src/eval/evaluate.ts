import { loadEvalFile, matchEvalSets, type LoadedEvalSet } from './eval-file.js';
import { computeEvalReport, type EvalReport } from './report.js';

/**
 * Every `hmmr eval` mode ends here: predictions paired with ground truth by sequence name, then the
 * metric table. The file mode loads both sets from eval files; the checkpoint mode (to come) builds
 * the prediction set from a checkpoint's predictions on the database's tubes and the ground truth
 * from the database (readGroundTruthEvalSet), and calls this with them.
 */
export function evaluatePredictions(pred: LoadedEvalSet, gt: LoadedEvalSet): EvalReport {
  return computeEvalReport(matchEvalSets(pred, gt), gt);
}

/** `hmmr eval --pred <file> --gt <file>`. */
export function evaluateFiles(predPath: string, gtPath: string): EvalReport {
  return evaluatePredictions(loadEvalFile(predPath), loadEvalFile(gtPath));
}
