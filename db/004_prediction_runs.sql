-- Prediction runs become resumable records of `hmmr predict` (issue 17): which tubes were asked
-- for (settings), whether every one of them is stored (status), and the joint set of joints3d.
-- A run's key is sha256(checkpoint, step, canonical settings_json): predicting again with the same
-- checkpoint and settings continues that run, one committed transaction per tube.
ALTER TABLE prediction_runs ADD COLUMN settings_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE prediction_runs ADD COLUMN settings_key  TEXT NOT NULL DEFAULT '';
ALTER TABLE prediction_runs ADD COLUMN backend       TEXT NOT NULL DEFAULT '';
ALTER TABLE prediction_runs ADD COLUMN joint_set     TEXT NOT NULL DEFAULT 'lsp14';
ALTER TABLE prediction_runs ADD COLUMN status        TEXT NOT NULL DEFAULT 'done' CHECK (status IN ('running', 'done'));
ALTER TABLE prediction_runs ADD COLUMN finished_at   TEXT;
CREATE INDEX prediction_runs_by_key ON prediction_runs(settings_key);
-- Deleting a tube cascades to its predictions; without this index that is a full scan per tube.
CREATE INDEX predictions_by_tube ON predictions(tube_id);
