import { spawnSync } from 'node:child_process';
import { REPO_ROOT, SERVER_CLI, SERVER_MAIN } from './paths';

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `undefined` leaves a variable out. */
type Env = Record<string, string | undefined>;

function runNode(script: string, args: string[], env: Env): CommandResult {
  const all: Env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_PRETTY: 'false', ...env };
  const result = spawnSync(process.execPath, [script, ...args], {
    cwd: REPO_ROOT,
    env: Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined)),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Keys for servers and commands outside dev mode (they refuse to start without them there). */
export const TEST_KEYS = {
  HUIKA_TOKEN_SECRET: 'e2e-test-token-secret-of-at-least-32-chars',
  HUIKA_DATA_KEY: 'e2e-test-data-key-of-at-least-32-characters',
};

/** Runs the `huika` operations command (built) with the given environment (and the test keys, unless given). */
export function huika(args: string[], env: Env): CommandResult {
  return runNode(SERVER_CLI, args, { ...TEST_KEYS, ...env });
}

/** Runs the server's entry point to completion (for start-up failures). */
export function runServerMain(env: Env): CommandResult {
  return runNode(SERVER_MAIN, [], env);
}
