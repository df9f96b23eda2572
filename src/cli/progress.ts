// A redrawn bar on a terminal, a plain line every few seconds otherwise (logs, CI, pipes).
import { SingleBar, type Options, type Params } from 'cli-progress';
import { formatDuration } from './format.ts';

export interface Progress {
  update(value: number, total?: number, fields?: Record<string, string>): void;
  stop(): void;
}

export interface ProgressOptions {
  readonly stream?: NodeJS.WriteStream;
  readonly unit?: string;
  readonly plainEveryMs?: number;
}

const eta = (p: Params) =>
  p.value >= p.total || p.eta <= 0 || !Number.isFinite(p.eta) ? '' : ` ETA ${formatDuration(p.eta * 1_000)}`;

export function startProgress(label: string, total: number, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = stream.isTTY === true;
  const unit = options.unit ? ` ${options.unit}` : '';
  const format = (o: Options, p: Params, fields: Record<string, string>) => {
    const percent = p.total > 0 ? ((p.value / p.total) * 100).toFixed(1) : '0.0';
    const size = o.barsize ?? 30;
    const filled = p.total > 0 ? Math.round(Math.min(1, p.value / p.total) * size) : 0;
    const bar = tty ? `[${'#'.repeat(filled)}${'.'.repeat(size - filled)}] ` : '';
    const tail = Object.values(fields).filter(Boolean).join(' ');
    return `${label} ${bar}${percent}% ${p.value}/${p.total}${unit}${eta(p)}${tail ? ` ${tail}` : ''}`;
  };
  const bar = new SingleBar({
    stream,
    format,
    noTTYOutput: !tty,
    notTTYSchedule: options.plainEveryMs ?? 2_000,
    etaBuffer: 20,
    hideCursor: tty,
    clearOnComplete: false,
  });
  let fields: Record<string, string> = {};
  bar.start(total, 0, fields);
  return {
    update(value, newTotal, more) {
      if (newTotal !== undefined && newTotal !== bar.getTotal()) bar.setTotal(newTotal);
      if (more) fields = { ...fields, ...more };
      bar.update(value, fields);
    },
    stop() {
      bar.stop(); // renders the last state once more, also between two plain lines
    },
  };
}

/** For work that reports no progress (a rebuild). */
export function startTicker(label: string, options: ProgressOptions = {}): Progress {
  const started = Date.now();
  const stream = options.stream ?? process.stderr;
  const line = () => `${label} ${formatDuration(Date.now() - started)} elapsed`;
  const tty = stream.isTTY === true;
  const timer = setInterval(
    () => stream.write(tty ? `\r${line()}\x1b[K` : `${line()}\n`),
    tty ? 1_000 : (options.plainEveryMs ?? 5_000),
  );
  return {
    update: () => {},
    stop() {
      clearInterval(timer);
      stream.write(tty ? `\r${line()}\x1b[K\n` : `${line()}\n`);
    },
  };
}
