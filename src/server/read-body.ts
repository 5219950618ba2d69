import type { Readable } from 'node:stream';

/** A body longer than the route's limit: `size` is the declared Content-Length, or undefined when streamed. */
export class BodyTooLarge extends Error {
  constructor(
    readonly limit: number,
    readonly size: number | undefined,
  ) {
    super(`the body has ${size === undefined ? `more than ${limit}` : size} bytes`);
  }
}

/**
 * Reads a request body of at most `limit` bytes. A larger declared Content-Length is refused before
 * a byte is read; a streamed body is read up to the limit and then no further (the stream is paused,
 * so memory holds at most `limit` bytes plus one chunk whatever the sender pushes).
 */
export function readBody(stream: Readable, contentLength: string | undefined, limit: number): Promise<Buffer> {
  const declared = contentLength === undefined ? Number.NaN : Number(contentLength);
  if (declared > limit) return Promise.reject(new BodyTooLarge(limit, declared));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size > limit) {
        stop();
        stream.pause();
        chunks.length = 0;
        reject(new BodyTooLarge(limit, undefined));
        return;
      }
      chunks.push(bytes);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}
