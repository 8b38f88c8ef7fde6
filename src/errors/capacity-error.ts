import { errorGuard, OtpCourierError } from './base.js';

/** Every one of the producer's `maxWaiters` places for `waitFor` is taken. Try again shortly. */
export class WaitCapacityError extends OtpCourierError {
  override readonly name = 'WaitCapacityError';
  constructor(readonly maxWaiters: number) {
    super(`all ${maxWaiters} waitFor places are taken; retry shortly`);
  }
}

export const isWaitCapacityError = errorGuard(WaitCapacityError, 'WaitCapacityError');
