// Errors a pipeline run raises for its caller to report: the input does not suit the command (e.g. pairs given to
// pair construction). Bad records never throw (they are rejects), except under --on-error fail (BadRecordError).

/** The input's kind does not fit the command, or the options contradict each other: a usage problem (CLI exit 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
