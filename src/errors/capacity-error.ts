/** Every one of the producer's `maxWaiters` places for `waitFor` is taken. Try again shortly. */
export class WaitCapacityError extends Error {
  override readonly name = 'WaitCapacityError';
  constructor(readonly maxWaiters: number) {
    super(`all ${maxWaiters} waitFor places are taken; retry shortly`);
  }
}

export const isWaitCapacityError = (error: unknown): error is WaitCapacityError =>
  error instanceof WaitCapacityError || (error instanceof Error && error.name === 'WaitCapacityError');
