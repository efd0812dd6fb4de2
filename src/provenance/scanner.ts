/**
 * An incremental scanner that finds the plain prose words of a text (Markdown as LLMs write it) and lets a hook
 * replace them, leaving everything else byte for byte as it came.
 *
 * Never touched: fenced code blocks (``` and ~~~, to the closing fence or the end of the text), indented code
 * lines (tab or 4+ spaces), inline code spans, bracketed spans ({...} and [...], so JSON objects and arrays,
 * with JSON strings skipped, to the balanced close or a blank line), code-like lines (from the first `=`, `<`,
 * `>`, `}` to the end of the line, and whole lines that start with a lower-case programming keyword or shell
 * command), and any whitespace-delimited chunk that is not a plain word with ordinary punctuation around it:
 * numbers, URLs, e-mail addresses, paths, identifiers (snake_case, dotted.names, calls()), hyphenated or
 * non-ASCII words.
 *
 * It reads one UTF-16 unit at a time and never looks ahead, so the output cannot depend on how the input was
 * chunked: streamed output equals non-streamed output. It holds back only the current word (until the
 * whitespace after it shows the word is complete) and, at a line start, a run of up to a few backticks or
 * tildes (until it is known whether they open a fence). Output never ends in half a surrogate pair.
 */

/** A candidate word, as the hook sees it. */
export interface WordEvent {
  /** The word in lower case (ASCII letters, possibly one internal apostrophe group: "can't"). */
  word: string;
  /** How the word was written. */
  caseKind: 'lower' | 'title';
  /** Punctuation before and after the word inside its chunk ("(", "**", ",", ".)"). */
  lead: string;
  trail: string;
  /** The previous prose word (lower case, as output), or null after code, a span, a number or the start. */
  prev: string | null;
  /** Strongest separator between `prev` and this word: "" (spaces), "," (other punctuation), "." (sentence end), "\n". */
  sep: Sep;
  /** How many prose chunks have been completed, this one included. */
  words: number;
}

export type Sep = '' | ',' | '.' | '\n';
/** The hook returns the replacement (lower case; the scanner restores the case) or null to keep the word. */
export type WordHook = (w: WordEvent) => string | null;

/** One replacement, in input coordinates (for re-mapping annotation offsets). */
export interface Edit {
  at: number;
  oldLength: number;
  newLength: number;
}

const enum Mode {
  Text,
  Ticks, // counting an opening backtick run in prose
  Inline,
  Bracket,
  CodeLine,
  Fence,
}

const LEAD = new Set(['(', '"', "'", '\u201c', '\u2018', '*', '_']);
const TRAIL = new Set(['.', ',', ';', ':', '!', '?', ')', '"', "'", '\u201d', '\u2019', '*', '_']);
const SEP_RANK: Record<Sep, number> = { '': 0, ',': 1, '.': 2, '\n': 3 };
/** Longest chunk held back as a possible word; longer letter runs are passed through. */
const MAX_WORD = 40;
const WORD_SHAPE = /^([("'\u201c\u2018*_]*)([A-Za-z]+(?:'[A-Za-z]+)*)('*[.,;:!?)"'\u201d\u2019*_]*)$/;
/** A line whose first chunk is one of these (exact case) is code or a shell command. */
const CODE_START =
  /^(def|class|import|from|return|const|let|var|function|fn|pub|if|elif|else|for|while|try|except|catch|finally|with|print|async|await|export|package|struct|impl|enum|interface|public|private|protected|static|void|int|echo|sudo|npm|npx|pip|git|cd|ls|mkdir|curl|docker|kubectl|yarn|python|python3|node|SELECT|INSERT|UPDATE|DELETE|CREATE|FROM|WHERE|#include|#define|@\w+|\$)(?![A-Za-z])/;

function isSpace(c: string): boolean {
  return c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === '\f' || c === '\v' || c === '\u00a0';
}

function isLetter(c: string): boolean {
  const x = c.charCodeAt(0);
  return (x >= 97 && x <= 122) || (x >= 65 && x <= 90);
}

export class Scanner {
  private mode = Mode.Text;
  private out = '';
  /** A high surrogate held back from the last push. */
  private carry = '';
  private pos = 0;
  // Line state.
  private lineStart = true;
  private indent = 0;
  private firstOfLine = true;
  private runChar = '';
  private runLen = 0;
  // Fence state: opening char and length, and the closing-line tracker.
  private fenceChar = '';
  private fenceLen = 0;
  private fl: 'indent' | 'run' | 'after' | 'bad' = 'bad';
  private flIndent = 0;
  private flRun = 0;
  // Inline code: opening run length and current run.
  private tickLen = 0;
  private tickRun = 0;
  // Bracket span.
  private depth = 0;
  private inStr = false;
  private esc = false;
  // The current prose chunk.
  private chunk = '';
  private chunkAt = 0;
  private raw = '';
  private tainted = false;
  private phase = 0; // 0 leading punctuation, 1 letters, 2 trailing punctuation
  // Context.
  private prev: string | null = null;
  private sep: Sep = '\n';
  /** Prose chunks completed. */
  words = 0;
  readonly edits: Edit[] | null;

  constructor(
    private readonly hook: WordHook,
    trackEdits = false,
  ) {
    this.edits = trackEdits ? [] : null;
  }

  /** Feeds text; returns the output that is final. */
  push(text: string): string {
    for (let i = 0; i < text.length; i++) this.feed(text[i]!);
    let o = this.carry + this.out;
    this.out = '';
    this.carry = '';
    const last = o.charCodeAt(o.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) {
      this.carry = o.slice(-1);
      o = o.slice(0, -1);
    }
    return o;
  }

  /** Ends the text; returns the rest of the output. */
  end(): string {
    if (this.runLen > 0) this.resolveRun();
    this.flushChunk();
    const o = this.carry + this.out;
    this.out = '';
    this.carry = '';
    return o;
  }

  private feed(c: string): void {
    if (this.runLen > 0) {
      if (c === this.runChar) {
        this.runLen++;
        this.pos++;
        return;
      }
      this.resolveRun();
    }
    if (this.lineStart && this.indent <= 3 && (c === '`' || c === '~') && this.mode !== Mode.Fence && this.mode !== Mode.CodeLine) {
      this.runChar = c;
      this.runLen = 1;
      this.pos++;
      return;
    }
    this.step(c);
    this.pos++;
  }

  /** A backtick/tilde run at a line start has ended: a fence if 3 or more, else ordinary characters. */
  private resolveRun(): void {
    const ch = this.runChar;
    const n = this.runLen;
    this.runLen = 0;
    this.runChar = '';
    if (n >= 3) {
      this.flushChunk();
      this.out += ch.repeat(n);
      this.mode = Mode.Fence;
      this.fenceChar = ch;
      this.fenceLen = n;
      this.fl = 'bad'; // the rest of the opening line is the info string
      this.lineStart = false;
      this.breakContext();
      return;
    }
    const savedPos = this.pos;
    this.pos -= n; // the run's characters sit before the current one
    this.lineStart = false;
    for (let i = 0; i < n; i++) {
      this.step(ch);
      this.pos++;
    }
    this.pos = savedPos;
  }

  private step(c: string): void {
    switch (this.mode) {
      case Mode.Text:
        return this.text(c);
      case Mode.Ticks:
        if (c === '`') {
          this.out += c;
          this.tickRun++;
          return;
        }
        this.mode = Mode.Inline;
        this.tickLen = this.tickRun;
        this.tickRun = 0;
        return this.inline(c);
      case Mode.Inline:
        return this.inline(c);
      case Mode.Bracket:
        return this.bracket(c);
      case Mode.CodeLine:
        this.out += c;
        if (c === '\n') {
          this.mode = Mode.Text;
          this.newline();
        }
        return;
      case Mode.Fence:
        return this.fence(c);
    }
  }

  private text(c: string): void {
    if (isSpace(c)) {
      this.flushChunk();
      if (this.mode !== Mode.Text) return this.step(c);
      this.out += c;
      if (c === '\n') this.newline();
      else if (this.lineStart) this.indent += c === '\t' ? 4 : 1;
      return;
    }
    const first = this.lineStart;
    if (first) {
      this.lineStart = false;
      if (this.indent >= 4) {
        this.enter(Mode.CodeLine, c);
        return;
      }
    }
    if (c === '`') {
      this.tickRun = 1;
      return this.enter(Mode.Ticks, c);
    }
    if (c === '{' || c === '[') {
      this.depth = 1;
      this.inStr = false;
      this.esc = false;
      return this.enter(Mode.Bracket, c);
    }
    if (c === '=' || c === '<' || c === '}' || (c === '>' && !first)) return this.enter(Mode.CodeLine, c);
    this.addToChunk(c);
  }

  /** Ends the current chunk (passed through as is) and enters a protected mode with `c`. */
  private enter(mode: Mode, c: string): void {
    this.taint();
    this.flushChunk();
    this.out += c;
    // A keyword at the line start has already made the rest of the line code.
    if (this.mode !== Mode.CodeLine) this.mode = mode;
    this.breakContext();
  }

  private addToChunk(c: string): void {
    if (this.raw.length < 32) this.raw += c;
    if (this.tainted) {
      this.out += c;
      return;
    }
    if (this.chunk === '') this.chunkAt = this.pos;
    this.chunk += c;
    let ok: boolean;
    if (isLetter(c)) {
      ok = this.phase <= 1;
      this.phase = 1;
    } else if (this.phase === 0) ok = LEAD.has(c);
    else if (this.phase === 1 && c === "'") ok = true;
    else {
      ok = TRAIL.has(c);
      this.phase = 2;
    }
    if (!ok || this.chunk.length > MAX_WORD) this.taint();
  }

  /** The current chunk cannot be a word: send what was held and pass the rest of it through. */
  private taint(): void {
    if (this.tainted) return;
    this.out += this.chunk;
    this.chunk = '';
    this.tainted = true;
  }

  /** Completes the current chunk: decides whether it is a word and lets the hook replace it. */
  private flushChunk(): void {
    const raw = this.raw;
    const tainted = this.tainted;
    const chunk = this.chunk;
    this.raw = '';
    this.chunk = '';
    this.tainted = false;
    this.phase = 0;
    if (!tainted && chunk === '') return;
    this.words++;
    const firstOfLine = this.firstOfLine;
    this.firstOfLine = false;
    const m = tainted ? null : WORD_SHAPE.exec(chunk);
    if (m === null) {
      this.out += chunk;
      this.breakContext();
    } else {
      this.word(m[1]!, m[2]!, m[3]!);
    }
    if (firstOfLine && CODE_START.test(raw)) {
      this.mode = Mode.CodeLine;
      this.breakContext();
    }
  }

  private word(lead: string, core: string, trail: string): void {
    const lower = core.toLowerCase();
    const caseKind = core === lower ? 'lower' : core[0]! + lower.slice(1) === core ? 'title' : null;
    let sep = this.sep;
    if (lead !== '' && SEP_RANK[sep] < 1) sep = ',';
    let outCore = core;
    let outLower = lower;
    if (caseKind !== null) {
      const r = this.hook({ word: lower, caseKind, lead, trail, prev: this.prev, sep, words: this.words });
      if (r !== null && r !== lower) {
        outLower = r;
        outCore = caseKind === 'title' ? r[0]!.toUpperCase() + r.slice(1) : r;
        this.edits?.push({ at: this.chunkAt + lead.length, oldLength: core.length, newLength: outCore.length });
      }
    }
    this.out += lead + outCore + trail;
    this.prev = outLower;
    this.sep = trail === '' ? '' : /[.!?]/.test(trail) ? '.' : ',';
  }

  private inline(c: string): void {
    if (c === '`') {
      this.out += c;
      this.tickRun++;
      return;
    }
    if (this.tickRun === this.tickLen) {
      // The closing run: back to prose; what touches the span is part of the same (non-word) chunk.
      this.tickRun = 0;
      this.mode = Mode.Text;
      this.tainted = !isSpace(c);
      this.breakContext();
      return this.text(c);
    }
    this.tickRun = 0;
    this.out += c;
    this.spanLine(c);
  }

  private bracket(c: string): void {
    this.out += c;
    if (this.inStr) {
      if (this.esc) this.esc = false;
      else if (c === '\\') this.esc = true;
      else if (c === '"' || c === '\n') this.inStr = false;
    } else if (c === '"') this.inStr = true;
    else if (c === '{' || c === '[') this.depth++;
    else if (c === '}' || c === ']') {
      if (--this.depth === 0) {
        this.mode = Mode.Text;
        this.tainted = true;
        this.lineStart = false;
        this.breakContext();
        return;
      }
    }
    this.spanLine(c);
  }

  /** Line bookkeeping inside inline and bracket spans: a blank line ends the span (end of paragraph). */
  private spanLine(c: string): void {
    if (c === '\n') {
      if (this.lineStart) this.mode = Mode.Text;
      this.newline();
    } else if (isSpace(c)) {
      if (this.lineStart) this.indent += c === '\t' ? 4 : 1;
    } else this.lineStart = false;
  }

  private fence(c: string): void {
    this.out += c;
    if (c === '\n') {
      if ((this.fl === 'run' || this.fl === 'after') && this.flRun >= this.fenceLen) {
        this.mode = Mode.Text;
        this.newline();
        this.breakContext();
        this.sep = '\n';
      }
      this.fl = 'indent';
      this.flIndent = 0;
      this.flRun = 0;
      return;
    }
    switch (this.fl) {
      case 'indent':
        if (c === ' ' && this.flIndent < 3) this.flIndent++;
        else if (c === this.fenceChar) {
          this.fl = 'run';
          this.flRun = 1;
        } else this.fl = 'bad';
        break;
      case 'run':
        if (c === this.fenceChar) this.flRun++;
        else if (c === ' ' || c === '\t' || c === '\r') this.fl = 'after';
        else this.fl = 'bad';
        break;
      case 'after':
        if (c !== ' ' && c !== '\t' && c !== '\r') this.fl = 'bad';
        break;
      default:
    }
  }

  private newline(): void {
    this.lineStart = true;
    this.indent = 0;
    this.firstOfLine = true;
    this.sep = '\n';
  }

  private breakContext(): void {
    this.prev = null;
    this.sep = '';
  }
}
