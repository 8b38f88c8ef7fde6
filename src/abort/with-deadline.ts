import { OtpCourierError } from '../errors/base.js';
import { clampTimerMs } from './timer.js';

/** Raised when a call outlives its deadline; the call itself may still complete afterwards. */
export class DeadlineExceeded extends OtpCourierError {
  override readonly name = 'DeadlineExceeded';
}

/** Settles like `promise`, or rejects with DeadlineExceeded after `ms`, whichever comes first. */
export const withDeadline = <T>(promise: Promise<T>, ms: number): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeadlineExceeded(`no answer within ${ms} ms`)), clampTimerMs(ms));
    }),
  ]).finally(() => clearTimeout(timer));
};
