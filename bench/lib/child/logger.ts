import pino from 'pino';
import type { Logger } from 'pino';
import type { Otp } from '../otp.js';

/** otp-courier's logger at `level`, written by pino's async destination to a file (default /dev/null). */
export const benchLogger = (otp: Otp, level: string, file = '/dev/null'): Logger =>
  otp.createLogger(level, pino.destination({ dest: file, sync: false, mkdir: true }));
