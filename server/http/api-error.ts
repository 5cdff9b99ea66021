/** An error a client can act on: an HTTP status, a stable code and a sentence saying what to do. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
