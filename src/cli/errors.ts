/** CLI error handling: user-facing errors print one clear message, never a stack trace. */

/** Exit codes, documented in docs/cli.md. */
export const EXIT = {
  OK: 0,
  /** The command could not do its job: unreadable or unknown input, bad configuration. */
  FAILURE: 1,
  /** --strict was given and some records were rejected. */
  REJECTS: 2,
  /** Wrong usage: unknown command or option, missing argument. */
  USAGE: 3,
  /** Unexpected internal error (a bug): the message says where to look. */
  INTERNAL: 70,
} as const;

/** An error whose message is meant for the user as it is. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.FAILURE,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
