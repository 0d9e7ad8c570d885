export interface FieldMessage {
  readonly field: string;
  readonly message: string;
}

/** The one error type: an HTTP status and a stable code that clients may rely on. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldMessage[],
  ) {
    super(message);
    this.name = 'AppError';
  }

  static notFound(what: string): AppError {
    return new AppError(404, 'not_found', `${what} was not found`);
  }

  static invalid(fields: FieldMessage[]): AppError {
    return new AppError(422, 'invalid_request', 'Some fields need attention', fields);
  }
}

/**
 * A webhook that cannot be applied yet because an event it depends on has not arrived
 * (Stripe delivers in any order). Answering 500 makes Stripe deliver it again later.
 */
export class NotYetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotYetError';
  }
}
