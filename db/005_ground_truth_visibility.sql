-- Per-joint visibility of imported 3D ground truth (hmmr import): Uint8 × J flags in joint_set
-- order, 1 = counts for evaluation. NULL (synthetic data, older rows) means every joint is visible.
-- 3DPW frames whose camera pose is invalid (campose_valid 0) are stored with all flags 0.
ALTER TABLE tube_ground_truth ADD COLUMN visible BLOB;
