-- hmmr schema, version 7: the take (one recording of one performance) a MoCap-tier tube is one
-- camera view of. Human3.6M films every take with 4 cameras, and `hmmr synth --train-views` stores a
-- training motion from several viewpoints; views of one take are near-copies in 3D, so training holds
-- them out for validation together. Tubes without a row are takes of their own.
CREATE TABLE tube_takes (
  tube_id INTEGER PRIMARY KEY REFERENCES tubes(id) ON DELETE CASCADE,
  take    TEXT    NOT NULL
);
