/** The streams and environment a command writes to; passed in so the decisions below are testable without a TTY. */
export interface Terminal {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/**
 * Colour on a terminal only, never with NO_COLOR set to anything non-empty (no-color.org); FORCE_COLOR (not "0")
 * turns it on for a pipe, as CI logs that render ANSI want. NO_COLOR wins over FORCE_COLOR: it is the user's
 * explicit refusal.
 */
export function wantsColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if ((env["NO_COLOR"] ?? "") !== "") return false;
  const force = env["FORCE_COLOR"];
  if (force !== undefined && force !== "" && force !== "0" && force !== "false") return true;
  return stream.isTTY === true && env["TERM"] !== "dumb";
}

export interface Paint {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const sgr =
  (open: number, close: number) =>
  (s: string): string =>
    `\x1b[${open}m${s}\x1b[${close}m`;

const COLOUR: Paint = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  red: sgr(31, 39),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
  cyan: sgr(36, 39),
};

const identity = (s: string): string => s;
const PLAIN: Paint = { bold: identity, dim: identity, red: identity, green: identity, yellow: identity, cyan: identity };

export function paintFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): Paint {
  return wantsColour(stream, env) ? COLOUR : PLAIN;
}

/** Quiet period before the indicator shows: short scans should print nothing but their result. */
export const PROGRESS_DELAY_MS = 1000;
const PROGRESS_TICK_MS = 100;

export interface ProgressIndicator {
  /** Record how far the work is; what is shown is refreshed on the next tick. */
  update(done: number, total: number): void;
  /** Erase the indicator (if it was shown) and stop its timer. */
  stop(): void;
}

/**
 * A one-line counter on stderr, shown only on a terminal and only once the work has run longer than a second;
 * redrawn in place with `\r` and erased at the end, so logs and pipes never see it.
 */
export function startProgress(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  label: string,
  opts: { now?: () => number; delayMs?: number } = {},
): ProgressIndicator {
  if (stream.isTTY !== true) return { update: () => {}, stop: () => {} };
  const now = opts.now ?? Date.now;
  const delay = opts.delayMs ?? PROGRESS_DELAY_MS;
  const started = now();
  let done = 0;
  let total = 0;
  let drawn: string | null = null;
  const render = (): void => {
    if (now() - started < delay) return;
    const line = `${label}${total > 0 ? ` ${done}/${total} files` : " reading files..."}`;
    if (line === drawn) return;
    stream.write(`\r\x1b[K${line}`);
    drawn = line;
  };
  const timer = setInterval(render, PROGRESS_TICK_MS);
  timer.unref();
  return {
    update(d, t) {
      done = d;
      total = t;
    },
    stop() {
      clearInterval(timer);
      if (drawn !== null) stream.write("\r\x1b[K");
    },
  };
}
