/**
 * `syncline status | head` closes the pipe before everything is written: that is the reader saying
 * "enough", not a failure. Stop quietly (exit 0) instead of dying with an EPIPE stack trace.
 */
export function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream, exit: (code: number) => void): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') exit(0);
    else throw error;
  });
}
