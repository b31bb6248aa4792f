/**
 * Splits a byte stream into lines the way a terminal shows them. `\n` and `\r\n` end a line;
 * a lone `\r` (tqdm, Keras and hand-written progress bars redraw with it) ends one too, marked
 * 'cr' so a consumer can tell an overwritten status from a printed line. A `\r` at the very end
 * of a chunk waits for the next chunk, so a CRLF split across two reads still counts as one
 * 'lf'. UTF-8 sequences split across chunks are reassembled; invalid bytes become U+FFFD.
 */
import { StringDecoder } from 'node:string_decoder';

/** How a line ended: a newline, a lone carriage return, or the end of the stream. */
export type LineEnd = 'lf' | 'cr' | 'eof';

export const DEFAULT_MAX_LINE_CHARS = 64 * 1024;

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private current = '';
  /** The current line outgrew the limit: its head was kept, the rest is skipped to the next break. */
  private overflow = false;
  private pendingCr = false;

  constructor(
    private readonly onLine: (line: string, end: LineEnd) => void,
    private readonly maxLineChars: number = DEFAULT_MAX_LINE_CHARS,
  ) {}

  push(chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (text.length === 0) return;
    let start = 0;
    if (this.pendingCr) {
      this.pendingCr = false;
      if (text.startsWith('\n')) {
        this.emit('lf');
        start = 1;
      } else {
        this.emit('cr');
      }
    }
    const breaks = /\r\n|\r|\n/g;
    breaks.lastIndex = start;
    for (let match = breaks.exec(text); match !== null; match = breaks.exec(text)) {
      this.append(text.slice(start, match.index));
      start = match.index + match[0].length;
      if (match[0] === '\r' && start === text.length) {
        this.pendingCr = true;
        return;
      }
      this.emit(match[0] === '\r' ? 'cr' : 'lf');
    }
    this.append(text.slice(start));
  }

  /** Flushes the last line when the stream ends without a newline. */
  end(): void {
    const rest = this.decoder.end();
    if (rest.length > 0) this.append(rest);
    if (this.pendingCr) {
      this.pendingCr = false;
      this.emit('lf');
    } else if (this.current.length > 0) {
      this.emit('eof');
    }
  }

  private append(piece: string): void {
    if (this.overflow || piece.length === 0) return;
    if (this.current.length + piece.length > this.maxLineChars) {
      this.current = (this.current + piece).slice(0, this.maxLineChars);
      this.overflow = true;
    } else {
      this.current += piece;
    }
  }

  private emit(end: LineEnd): void {
    const line = this.current;
    this.current = '';
    this.overflow = false;
    // An empty segment between carriage returns is redraw noise, not a line anyone printed.
    if (end === 'cr' && line.length === 0) return;
    this.onLine(line, end);
  }
}
