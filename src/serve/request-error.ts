/**
 * A request the server refuses: the client sees the status code and the one-line message as
 * `{ "error": message }`. Anything else thrown inside a route is a server fault (500).
 */
export class RequestError extends Error {
  constructor(
    readonly statusCode: 400 | 401 | 403 | 404 | 409 | 416,
    message: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

/** A route's numeric id parameter, or a 400 naming it. */
export function parseId(value: string | undefined, field: string): number {
  if (value === undefined || !/^[1-9]\d{0,15}$/.test(value)) throw new RequestError(400, `${field} must be a positive integer id, got ${JSON.stringify(value ?? null)}`);
  return Number(value);
}
