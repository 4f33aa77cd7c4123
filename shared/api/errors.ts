/** An answer other than 200 that the API gives on purpose; `message` says what and, for a 400, which parameter. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(readonly status: 400 | 403 | 404 | 409 | 412 | 413 | 502 | 503, message: string) {
    super(message);
  }
}

export const badRequest = (message: string) => new ApiError(400, message);
