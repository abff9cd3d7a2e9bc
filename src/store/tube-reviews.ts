/**
 * A person's curation decisions about tubes (hmmr serve, hmmr tubes): accepted / rejected /
 * unreviewed, a note, and when. The split is the tube's own `tubes.split` column, which training and
 * evaluation already select by, so changing it here is all it takes for them to respect it.
 * A tube without a tube_reviews row is 'unreviewed'.
 */
import { DatabaseError } from '../errors.js';
import type { Db } from './database.js';
import type { StoredTubeInfo, TubeSplit } from './tubes.js';

export const TUBE_REVIEW_STATUSES = ['unreviewed', 'accepted', 'rejected'] as const;
export type TubeReviewStatus = (typeof TUBE_REVIEW_STATUSES)[number];
export const TUBE_SPLITS: readonly TubeSplit[] = ['train', 'val', 'test'];

export interface TubeReview {
  status: TubeReviewStatus;
  note: string;
  /** When a person last changed the status, split or note; null for a tube nobody touched. */
  reviewedAt: string | null;
}

/** A tube's row with its decision and the two quality figures SQL can give without reading frames. */
export interface CuratedTube extends StoredTubeInfo {
  review: TubeReview;
  /** Mean detection score over the frames that came from a detection; null for synthetic tubes. */
  meanScore: number | null;
  /** Frames the tracker filled in across a gap (no detection behind them). */
  filledFrames: number;
}

export interface CuratedTubeFilter {
  videoId?: number;
  status?: TubeReviewStatus;
  minFrames?: number;
  ids?: readonly number[];
}

/** What one decision changes; absent fields are left as they are. */
export interface CurationChange {
  status?: TubeReviewStatus;
  split?: TubeSplit;
  note?: string;
}

const CURATED_SELECT = `SELECT t.id, t.track_run_id AS trackRunId, t.video_id AS videoId, t.name, t.track_id AS trackId,
    t.keypoint_format AS keypointFormat, t.tier, t.split, t.fps, t.first_frame AS firstFrame, t.frame_count AS frameCount,
    t.created_at AS createdAt, coalesce(r.status, 'unreviewed') AS status, coalesce(r.note, '') AS note, r.reviewed_at AS reviewedAt,
    (SELECT avg(d.score) FROM tube_frames tf JOIN detections d ON d.id = tf.detection_id WHERE tf.tube_id = t.id) AS meanScore,
    (SELECT count(*) FROM tube_frames tf WHERE tf.tube_id = t.id AND tf.detection_id IS NULL) AS filledFrames
  FROM tubes t LEFT JOIN tube_reviews r ON r.tube_id = t.id`;

type CuratedRow = StoredTubeInfo & { status: TubeReviewStatus; note: string; reviewedAt: string | null; meanScore: number | null; filledFrames: number };

function toCurated({ status, note, reviewedAt, ...rest }: CuratedRow): CuratedTube {
  return { ...rest, review: { status, note, reviewedAt } };
}

/** Tubes matching every given filter field, by id, with their decisions. */
export function listCuratedTubes(db: Db, filter: CuratedTubeFilter = {}): CuratedTube[] {
  const conditions: string[] = [];
  const values: (string | number)[] = [];
  if (filter.videoId !== undefined) {
    conditions.push('t.video_id = ?');
    values.push(filter.videoId);
  }
  if (filter.status !== undefined) {
    conditions.push("coalesce(r.status, 'unreviewed') = ?");
    values.push(filter.status);
  }
  if (filter.minFrames !== undefined) {
    conditions.push('t.frame_count >= ?');
    values.push(filter.minFrames);
  }
  if (filter.ids !== undefined) {
    conditions.push(`t.id IN (${filter.ids.map(() => '?').join(', ') || 'NULL'})`);
    values.push(...filter.ids);
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  return (db.prepare(`${CURATED_SELECT} ${where} ORDER BY t.id`).all(...values) as CuratedRow[]).map(toCurated);
}

export function getCuratedTube(db: Db, tubeId: number): CuratedTube | undefined {
  const row = db.prepare(`${CURATED_SELECT} WHERE t.id = ?`).get(tubeId) as CuratedRow | undefined;
  return row && toCurated(row);
}

/**
 * Applies one decision to every tube in `tubeIds`, in ONE transaction, stamping the time. When any
 * id is not a stored tube nothing is written and the missing ids are returned.
 */
export function curateTubes(db: Db, tubeIds: readonly number[], change: CurationChange): { missing: number[] } {
  const exists = db.prepare('SELECT 1 FROM tubes WHERE id = ?').pluck();
  const upsertReview = db.prepare(
    `INSERT INTO tube_reviews (tube_id, status, note, reviewed_at) VALUES (@tubeId, coalesce(@status, 'unreviewed'), coalesce(@note, ''), @now)
     ON CONFLICT(tube_id) DO UPDATE SET status = coalesce(@status, status), note = coalesce(@note, note), reviewed_at = @now`,
  );
  const setSplit = db.prepare('UPDATE tubes SET split = ? WHERE id = ?');
  const apply = db.transaction(() => {
    const missing = tubeIds.filter((id) => exists.get(id) === undefined);
    if (missing.length > 0) return { missing };
    const now = new Date().toISOString();
    for (const tubeId of tubeIds) {
      upsertReview.run({ tubeId, status: change.status ?? null, note: change.note ?? null, now });
      if (change.split !== undefined) setSplit.run(change.split, tubeId);
    }
    return { missing };
  });
  return apply.immediate();
}

/**
 * A database opened read-only is not migrated: refuse one from before curation (schema 3) with the
 * way out, instead of failing on the first query.
 */
export function assertCurationSchema(db: Db, path: string): void {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tube_reviews'").get();
  if (!table) throw new DatabaseError(path, 'this database predates tube curation; open it once without --read-only (any hmmr command) to upgrade it');
}
