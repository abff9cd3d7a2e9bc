/**
 * Checks a PATCH /api/tubes/:id body ({status, split, note}); every refusal names the bad field.
 */
import { TUBE_REVIEW_STATUSES, TUBE_SPLITS, type CurationChange, type TubeReviewStatus } from '../store/tube-reviews.js';
import type { TubeSplit } from '../store/tubes.js';
import { RequestError } from './request-error.js';

const MAX_NOTE_LENGTH = 2000;

export function parseCurationChange(body: unknown): CurationChange {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new RequestError(400, 'body must be a JSON object with status, split and/or note');
  const change: CurationChange = {};
  for (const [field, value] of Object.entries(body)) {
    if (field === 'status') {
      if (!TUBE_REVIEW_STATUSES.includes(value as TubeReviewStatus)) throw new RequestError(400, `status must be one of ${TUBE_REVIEW_STATUSES.join(', ')}; got ${JSON.stringify(value)}`);
      change.status = value as TubeReviewStatus;
    } else if (field === 'split') {
      if (!TUBE_SPLITS.includes(value as TubeSplit)) throw new RequestError(400, `split must be one of ${TUBE_SPLITS.join(', ')}; got ${JSON.stringify(value)}`);
      change.split = value as TubeSplit;
    } else if (field === 'note') {
      if (typeof value !== 'string') throw new RequestError(400, `note must be a string; got ${JSON.stringify(value)}`);
      if (value.length > MAX_NOTE_LENGTH) throw new RequestError(400, `note must be at most ${MAX_NOTE_LENGTH} characters; got ${value.length}`);
      change.note = value;
    } else {
      throw new RequestError(400, `unknown field '${field}'; a tube takes status, split and note`);
    }
  }
  if (Object.keys(change).length === 0) throw new RequestError(400, 'body names none of status, split, note');
  return change;
}
