import type { RunningServer } from './server';

/**
 * Waits for the server's output from offset `from` on to match `pattern` (output printed before the call counts
 * too) and returns the match. Driven by the process's output events, not by polling.
 */
export function waitForOutput(
  server: RunningServer,
  pattern: RegExp,
  { from = 0, timeoutMs = 15_000 }: { from?: number; timeoutMs?: number } = {},
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const streams = [server.process.stdout, server.process.stderr].filter((stream) => stream !== null);
    const check = (): boolean => {
      const match = pattern.exec(server.output().slice(from));
      if (!match) return false;
      finish();
      resolve(match);
      return true;
    };
    // The harness's own listener appends to output() first: it was attached when the server started.
    const onData = () => void check();
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`the server printed nothing matching ${pattern} within ${timeoutMs} ms`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      streams.forEach((stream) => stream.off('data', onData));
    };
    streams.forEach((stream) => stream.on('data', onData));
    check();
  });
}

/**
 * The one-time code the development SMS provider "sent" to `phone`: it logs
 * `SMS code for 139****1234: 123456`. Needs the server started with LOG_LEVEL=info; `from`: an offset into
 * its output (`server.output().length` before asking) so an older code is not taken.
 */
export async function smsCodeFor(server: RunningServer, phone: string, from = 0): Promise<string> {
  const masked = `${phone.slice(0, 3)}\\*{4}${phone.slice(-4)}`;
  const match = await waitForOutput(server, new RegExp(`SMS code for ${masked}: (\\d{6})`), { from });
  return match[1] ?? '';
}
