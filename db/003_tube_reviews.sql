-- hmmr schema, version 3: a person's curation decision per tube (hmmr serve, hmmr tubes set).
-- The tube's split stays in tubes.split, where train, eval and predict already select by it; this
-- row adds the accept/reject status, a free-text note and when the tube was last decided on.
-- No row means 'unreviewed'. `hmmr track` replaces a video's tubes, and their decisions go with them.
CREATE TABLE tube_reviews (
  tube_id     INTEGER PRIMARY KEY REFERENCES tubes(id) ON DELETE CASCADE,
  status      TEXT    NOT NULL CHECK (status IN ('unreviewed', 'accepted', 'rejected')),
  note        TEXT    NOT NULL DEFAULT '',
  reviewed_at TEXT    NOT NULL                  -- ISO-8601 UTC of the last change (status, split or note)
);
CREATE INDEX tube_reviews_by_status ON tube_reviews(status);
