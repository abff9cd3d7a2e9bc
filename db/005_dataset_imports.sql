-- Dataset imports (hmmr import): per-joint ground-truth visibility and the pose bank.

-- Per-joint visibility of imported 3D ground truth (hmmr import): Uint8 × J flags in joint_set
-- order, 1 = counts for evaluation. NULL (synthetic data, older rows) means every joint is visible.
-- 3DPW frames whose camera pose is invalid (campose_valid 0) are stored with all flags 0.
ALTER TABLE tube_ground_truth ADD COLUMN visible BLOB;

-- Real SMPL body poses for the adversarial prior (hmmr import amass): one row per MoCap clip,
-- resampled to `fps`; re-importing a clip replaces its row.
CREATE TABLE pose_bank (
  id          INTEGER PRIMARY KEY,
  source      TEXT    NOT NULL UNIQUE,            -- e.g. 'amass/CMU/01/01_01_poses'
  fps         REAL    NOT NULL,
  frame_count INTEGER NOT NULL,
  poses       BLOB    NOT NULL,                   -- Float32 × 72 per frame, axis-angle, root first
  created_at  TEXT    NOT NULL
);
