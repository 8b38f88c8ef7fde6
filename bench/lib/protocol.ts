/** The messages between the harness and a child process (`bench/worker-child.ts`), over Node IPC. */

type BareQueue = { redisUrl: string; queue: string; prefix: string; concurrency: number };

export type ChildSpec =
  /** otp-courier's worker: `startWorkerRuntime` with this raw config (parsed in the child). */
  | { kind: 'courier'; config: Record<string, unknown>; logFile?: string }
  /** otp-courier's HTTP ingest: `startIngestRuntime` with this raw config. */
  | { kind: 'ingest'; config: Record<string, unknown>; logFile?: string }
  /** A hand-written BullMQ worker POSTing each job with `fetch`, as a user would write it. */
  | ({ kind: 'fetch'; endpoint: string } & BareQueue)
  /** A BullMQ worker whose processor does nothing: the queue's ceiling. */
  | ({ kind: 'noop' } & BareQueue)
  /** A BullMQ worker sending like Logto's SMTP connector: a new nodemailer transport per message. */
  | ({ kind: 'smtp-per-message'; smtp: { host: string; port: number; fromEmail: string; subject: string; content: string } } & BareQueue);

export type ChildStats = {
  /** Jobs finished with the message accepted by the provider (or, for no-op, finished). */
  completed: number;
  /** Jobs that ended otherwise (expired, dead-lettered, thrown). */
  failed: number;
  /** Epoch ms of the first and last completion. */
  firstAt: number | null;
  lastAt: number | null;
  rss: number;
  heapUsed: number;
  /** CPU time of the whole process so far (user + system, all threads), µs. */
  cpuUs: number;
  /** Whether a full GC ran just before the memory figures. */
  gc: boolean;
};

export type ParentMessage = { type: 'start' } | { type: 'stats'; gc?: boolean } | { type: 'stop' };

export type ChildMessage =
  | { type: 'loaded' }
  | { type: 'ready' }
  | { type: 'stats'; stats: ChildStats }
  | { type: 'stopped' }
  | { type: 'error'; message: string };
