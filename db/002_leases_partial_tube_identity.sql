-- hmmr schema, version 2: faults and concurrency (issue 12).

-- A label run being worked on is leased to one process: lease_owner names it ('host:pid:token'),
-- lease_heartbeat_ms is when it last said it is alive, lease_expires_ms (epoch ms) when another process
-- may take the run over. Two `hmmr label` processes on one database thus never label the same video.
ALTER TABLE label_runs ADD COLUMN lease_owner TEXT;
ALTER TABLE label_runs ADD COLUMN lease_heartbeat_ms INTEGER;
ALTER TABLE label_runs ADD COLUMN lease_expires_ms INTEGER;
-- 1 = the run is done but the video's tail could not be decoded: the frames before the damage are
-- stored and tracked, and `error` says where decoding stopped.
ALTER TABLE label_runs ADD COLUMN partial INTEGER NOT NULL DEFAULT 0;

-- sha256 of a tube's stored content (format, fps, every frame's index, detection, keypoints, box, crop):
-- re-tracking keeps the row (id, split, feature cache) of a tube whose content did not change.
ALTER TABLE tubes ADD COLUMN content_sha256 TEXT;
-- Tube names are unique across folders. Older databases could hold two videos of one base name:
-- every copy after the first gets its id appended.
UPDATE tubes SET name = name || '~' || id WHERE id NOT IN (SELECT min(id) FROM tubes GROUP BY name);
CREATE UNIQUE INDEX tubes_by_name ON tubes(name);

-- Presentation time of each tube frame (seconds in the source video; NULL in tubes stored before
-- version 2): with --fps subsampling, consecutive tube frames are not evenly spaced in source frames.
ALTER TABLE tube_frames ADD COLUMN time_sec REAL;
