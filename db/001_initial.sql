-- hmmr schema, version 1: the whole pipeline, from video files to 3D predictions.
-- Conventions: *_json columns hold canonical JSON; BLOB columns hold little-endian Float32 arrays
-- (keypoints as flat x, y, confidence triples in the original video's pixels); times are ISO-8601 UTC.

-- Content-addressed videos: one row per distinct sha256.
CREATE TABLE videos (
  id                INTEGER PRIMARY KEY,
  sha256            TEXT    NOT NULL UNIQUE,
  path              TEXT    NOT NULL,            -- absolute path where it was first seen
  size_bytes        INTEGER NOT NULL,
  container         TEXT    NOT NULL,            -- ffprobe format_name, e.g. 'mov,mp4,m4a,3gp,3g2,mj2'
  codec             TEXT    NOT NULL,            -- video stream codec_name
  width             INTEGER NOT NULL,            -- display width, after rotation metadata
  height            INTEGER NOT NULL,            -- display height, after rotation metadata
  rotation_deg      INTEGER NOT NULL DEFAULT 0,  -- 0, 90, 180, 270 (clockwise display rotation)
  fps_num           INTEGER NOT NULL,
  fps_den           INTEGER NOT NULL,
  fps               REAL    NOT NULL,
  variable_fps      INTEGER NOT NULL DEFAULT 0,  -- 1 when r_frame_rate and avg_frame_rate disagree
  frame_count       INTEGER NOT NULL,
  frame_count_exact INTEGER NOT NULL,            -- 1 = counted from the stream, 0 = estimated from duration × fps
  duration_sec      REAL    NOT NULL,
  ingested_at       TEXT    NOT NULL
);

-- Every path where a video's content was seen: the first path and its aliases. The (size, mtime)
-- pair lets a re-ingest skip hashing an unchanged file.
CREATE TABLE video_paths (
  path       TEXT    PRIMARY KEY,
  video_id   INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
  size_bytes INTEGER NOT NULL,
  mtime_ms   INTEGER NOT NULL,
  is_alias   INTEGER NOT NULL,                   -- 0 for videos.path itself, 1 for other copies
  seen_at    TEXT    NOT NULL
);
CREATE INDEX video_paths_by_video ON video_paths(video_id);

-- Files that failed ingest, with the reason; cleared when the same path later ingests cleanly.
CREATE TABLE ingest_failures (
  path       TEXT    PRIMARY KEY,
  size_bytes INTEGER,
  mtime_ms   INTEGER,
  error      TEXT    NOT NULL,
  failed_at  TEXT    NOT NULL
);

-- One 2D labelling of one video with one model and one parameter set (provenance).
CREATE TABLE label_runs (
  id              INTEGER PRIMARY KEY,
  video_id        INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
  source          TEXT    NOT NULL CHECK (source IN ('onnx', 'openpose-import')),
  model_name      TEXT    NOT NULL,
  model_sha256    TEXT    NOT NULL,              -- '' for imports
  keypoint_format TEXT    NOT NULL,              -- 'coco18', 'body25', ...
  params_json     TEXT    NOT NULL,              -- every parameter that affects the result
  params_key      TEXT    NOT NULL,              -- sha256(model_sha256 + canonical params_json)
  status          TEXT    NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  next_frame      INTEGER NOT NULL DEFAULT 0,    -- first frame index not yet committed (resumption point)
  frames_total    INTEGER,
  error           TEXT,
  started_at      TEXT    NOT NULL,
  finished_at     TEXT,
  UNIQUE (video_id, params_key)
);

-- One row per processed frame, including frames with nobody in them, so "processed" is explicit.
CREATE TABLE detection_frames (
  run_id      INTEGER NOT NULL REFERENCES label_runs(id) ON DELETE CASCADE,
  frame_index INTEGER NOT NULL,                  -- 0-based index in the decoded video
  time_sec    REAL    NOT NULL,
  scene_score REAL,                              -- 0..1 frame-difference signal for shot-change detection
  PRIMARY KEY (run_id, frame_index)
) WITHOUT ROWID;

CREATE TABLE detections (
  id           INTEGER PRIMARY KEY,
  run_id       INTEGER NOT NULL,
  frame_index  INTEGER NOT NULL,
  person_index INTEGER NOT NULL,                 -- order within the frame, by descending score
  score        REAL    NOT NULL,
  part_count   INTEGER NOT NULL,
  keypoints    BLOB    NOT NULL,                 -- Float32 × 3K: x, y, confidence in original pixels
  FOREIGN KEY (run_id, frame_index) REFERENCES detection_frames(run_id, frame_index) ON DELETE CASCADE,
  UNIQUE (run_id, frame_index, person_index)
);

-- One tracking of one label run with one parameter set; `hmmr track` replaces it atomically.
CREATE TABLE track_runs (
  id           INTEGER PRIMARY KEY,
  label_run_id INTEGER NOT NULL REFERENCES label_runs(id) ON DELETE CASCADE,
  params_json  TEXT    NOT NULL,
  created_at   TEXT    NOT NULL
);
CREATE INDEX track_runs_by_label_run ON track_runs(label_run_id);

-- Person tubes, the unit of training. Tubes of real videos come from a track run; synthetic tubes
-- (hmmr synth) have neither video nor track run.
CREATE TABLE tubes (
  id              INTEGER PRIMARY KEY,
  track_run_id    INTEGER REFERENCES track_runs(id) ON DELETE CASCADE,
  video_id        INTEGER REFERENCES videos(id) ON DELETE CASCADE,
  name            TEXT    NOT NULL,              -- stable human-readable name, e.g. 'S02_tabletennis/track3/part0'
  track_id        INTEGER NOT NULL,
  keypoint_format TEXT    NOT NULL,
  tier            TEXT    NOT NULL CHECK (tier IN ('mocap3d', 'human2d', 'pseudo2d')),
  split           TEXT    NOT NULL DEFAULT 'train' CHECK (split IN ('train', 'val', 'test')),
  fps             REAL    NOT NULL,
  first_frame     INTEGER NOT NULL,
  frame_count     INTEGER NOT NULL,
  created_at      TEXT    NOT NULL
);
CREATE INDEX tubes_by_video ON tubes(video_id);
CREATE INDEX tubes_by_track_run ON tubes(track_run_id);

CREATE TABLE tube_frames (
  tube_id      INTEGER NOT NULL REFERENCES tubes(id) ON DELETE CASCADE,
  frame_index  INTEGER NOT NULL,                 -- frame index in the source video (or synthetic sequence)
  detection_id INTEGER REFERENCES detections(id) ON DELETE SET NULL, -- NULL where a gap was filled
  keypoints    BLOB    NOT NULL,                 -- Float32 × 3K, original pixels
  box_x        REAL    NOT NULL,                 -- smoothed box, original pixels
  box_y        REAL    NOT NULL,
  box_w        REAL    NOT NULL,
  box_h        REAL    NOT NULL,
  crop_cx      REAL    NOT NULL,                 -- crop centre, original pixels
  crop_cy      REAL    NOT NULL,
  crop_scale   REAL    NOT NULL,                 -- original px → crop px (person diagonal ≈ 150 px of 224)
  PRIMARY KEY (tube_id, frame_index)
) WITHOUT ROWID;

-- 3D ground truth for the mocap3d tier (synthetic data, or imported MoCap).
CREATE TABLE tube_ground_truth (
  tube_id     INTEGER NOT NULL REFERENCES tubes(id) ON DELETE CASCADE,
  frame_index INTEGER NOT NULL,
  joints3d    BLOB    NOT NULL,                  -- Float32 × 3J, metres, camera frame; joint set in joint_set
  joint_set   TEXT    NOT NULL,                  -- e.g. 'lsp14'
  pose        BLOB,                              -- Float32 × 72 axis-angle, root first
  shape       BLOB,                              -- Float32 × 10
  camera      BLOB,                              -- Float32 × 3: weak-perspective s, tx, ty
  PRIMARY KEY (tube_id, frame_index)
) WITHOUT ROWID;

-- Model outputs, so eval and export can read them without re-running the network.
CREATE TABLE prediction_runs (
  id          INTEGER PRIMARY KEY,
  checkpoint  TEXT    NOT NULL,                  -- checkpoint directory
  step        INTEGER NOT NULL,
  config_json TEXT    NOT NULL,
  created_at  TEXT    NOT NULL
);

CREATE TABLE predictions (
  run_id      INTEGER NOT NULL REFERENCES prediction_runs(id) ON DELETE CASCADE,
  tube_id     INTEGER NOT NULL REFERENCES tubes(id) ON DELETE CASCADE,
  frame_index INTEGER NOT NULL,
  theta       BLOB    NOT NULL,                  -- Float32 × 85: camera 3, pose 72, shape 10
  joints3d    BLOB    NOT NULL,                  -- Float32 × 3J, metres
  past_pose   BLOB,                              -- Float32 × 72, hallucinated at t-5
  future_pose BLOB,                              -- Float32 × 72, hallucinated at t+5
  PRIMARY KEY (run_id, tube_id, frame_index)
) WITHOUT ROWID;
