/**
 * Reads the entries of a zip archive (a .vsix is one) from its central directory, so tests can
 * check what a package holds without an unzip binary. Stored and deflated entries only, which is
 * all vsce writes; no zip64 (a .vsix is far below 4 GB).
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';

export interface ZipEntry {
  readonly name: string;
  readonly size: number;
  /** The entry's bytes, inflated. */
  read(): Buffer;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

export function zipEntries(file: string): ZipEntry[] {
  const zip = fs.readFileSync(file);
  // The end-of-central-directory record sits in the last 22 bytes plus a comment of up to 64 KiB.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip archive (no end-of-central-directory record)`);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== CENTRAL_SIGNATURE) throw new Error(`${file}: corrupt central directory at byte ${at}`);
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeader = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    entries.push({
      name,
      size,
      read: () => {
        if (zip.readUInt32LE(localHeader) !== LOCAL_SIGNATURE) throw new Error(`${file}: corrupt local header for ${name}`);
        const start = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
        const data = zip.subarray(start, start + compressedSize);
        if (method === 0) return Buffer.from(data);
        if (method === 8) return zlib.inflateRawSync(data);
        throw new Error(`${file}: ${name} uses zip compression method ${method}, which this reader does not handle`);
      },
    });
  }
  return entries;
}
