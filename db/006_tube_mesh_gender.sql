-- 3DPW imported with the user's SMPL models (hmmr import 3dpw --smpl): the gender of the model each
-- tube's ground-truth mesh is made with (its stored pose and shape through that model), so
-- `hmmr eval --smpl` can rebuild the mesh for the per-vertex error. 'neutral' where the import
-- substituted the neutral model for a missing gendered one. Tubes without a row have no mesh.
CREATE TABLE tube_mesh_gender (
  tube_id INTEGER PRIMARY KEY REFERENCES tubes(id) ON DELETE CASCADE,
  gender  TEXT    NOT NULL CHECK (gender IN ('male', 'female', 'neutral'))
);
