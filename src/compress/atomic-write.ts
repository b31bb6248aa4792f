/**
 * Writes a new file so that it either appears whole or not at all: the bytes go to a temporary
 * name in the same directory, are flushed, and the temporary is renamed into place. A failure
 * half-way leaves nothing behind, and an existing file is never replaced.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CompressError } from './compress-error';

/** Writes chunks produced by `write` to `dest` atomically; refuses to replace an existing file. */
export async function writeFileAtomically(dest: string, write: (fd: number) => void | Promise<void>): Promise<void> {
  if (fs.existsSync(dest)) throw new CompressError('exists', `${dest} already exists; Tunekit never replaces a file. Choose another output path.`);
  const temp = path.join(path.dirname(dest), `.${path.basename(dest)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  const fd = fs.openSync(temp, 'wx');
  try {
    await write(fd);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw err;
  }
  try {
    // link + unlink instead of rename: rename would silently replace a file created meanwhile.
    fs.linkSync(temp, dest);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new CompressError('exists', `${dest} already exists; Tunekit never replaces a file.`);
    throw err;
  }
  fs.rmSync(temp, { force: true });
}

/** Writes a whole buffer list (header, tensors...) in order. */
export function writeAll(fd: number, chunks: Iterable<Uint8Array>): void {
  for (const chunk of chunks) {
    let off = 0;
    while (off < chunk.length) off += fs.writeSync(fd, chunk, off, chunk.length - off);
  }
}
