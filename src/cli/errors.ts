import { OtpCourierError } from '../errors/base.js';

/** A failure the CLI reports as one line, with its exit code (2: usage or config, 1: runtime). */
export class CliError extends OtpCourierError {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}
