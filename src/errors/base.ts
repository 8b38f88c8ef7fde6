/**
 * The base of every error otp-courier raises, so a caller can tell ours from anything else. Each
 * subclass sets a literal `name`, says what to do next in its message, and carries its facts as
 * read-only fields (ky's `HTTPError`/`TimeoutError` share a shape the same way).
 */
export abstract class OtpCourierError extends Error {
  abstract override readonly name: string;
}

/**
 * A type guard for one of our errors that also works across module copies (two installs of this
 * package, or a dual ESM/CJS load), where `instanceof` does not: an instance of the class, or any
 * Error carrying its name. `name` is checked against the class's literal name at compile time.
 */
export const errorGuard = <E extends OtpCourierError>(type: abstract new (...args: never[]) => E, name: E['name']) =>
  (error: unknown): error is E => error instanceof type || (error instanceof Error && error.name === name);
