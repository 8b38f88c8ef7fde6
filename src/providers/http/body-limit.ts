import type { Readable } from 'node:stream';

/**
 * The most of a vendor's reply body a connector reads. Real answers are a few hundred bytes; a
 * proxy's error page a few KiB. Anything past this is not an answer we can use, and reading it
 * whole would let one reply take as much memory as it likes.
 */
export const MAX_RESPONSE_BODY_BYTES = 64 * 1024;

/** A reply body read whole, or not usable: over the cap, or it broke off (timeout, abort, reset). */
export type CappedBody = { complete: true; bytes: Buffer } | { complete: false };

const ignore = (): void => {};

/** The `Content-Length` a reply declared, when it is a plain number. */
export const declaredLength = (headers: Readonly<Record<string, string | string[] | undefined>>): number | undefined => {
  const raw = headers['content-length'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value !== undefined && /^\d+$/.test(value.trim()) ? Number(value) : undefined;
};

/**
 * Reads `stream` up to `limit` bytes. A declared length over the limit is refused before a byte is
 * read; a body that grows past it is destroyed there (the rest is never buffered, and the
 * connection is closed rather than drained). A stream that errors (our deadline, the worker's
 * abort, a reset) is not usable either: the caller knows the status, and decides by it.
 */
export const readCappedBody = async (stream: Readable, limit: number = MAX_RESPONSE_BODY_BYTES, length?: number): Promise<CappedBody> => {
  // Whatever the stream reports after we stop reading (our own destroy) is of no interest.
  stream.on('error', ignore);
  if (length !== undefined && length > limit) {
    stream.destroy();
    return { complete: false };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk as Uint8Array);
      size += bytes.length;
      if (size > limit) {
        stream.destroy();
        return { complete: false };
      }
      chunks.push(bytes);
    }
  } catch {
    return { complete: false };
  }
  return { complete: true, bytes: Buffer.concat(chunks, size) };
};
