/** The pose prior's shape, apart from the flow itself so that the CLI can show its defaults without loading tfjs. */

/** The non-root joints the prior models. */
export const FLOW_POSE_DIMS = 69;
/** SMPL pose vector length; the first 3 values (the root) are skipped. */
export const SMPL_POSE_LENGTH = 72;

export interface FlowArchitecture {
  /** Input dimensions (69 for body pose; tests use tiny flows). */
  dims: number;
  /** Coupling layers, an even number (complementary pairs). */
  couplingLayers: number;
  /** Width of each coupling MLP's two hidden layers. */
  hidden: number;
  /** |s| < scaleBound per dimension and layer. */
  scaleBound: number;
}

export const DEFAULT_POSE_FLOW: FlowArchitecture = { dims: FLOW_POSE_DIMS, couplingLayers: 8, hidden: 128, scaleBound: 2 };
