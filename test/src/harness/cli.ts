import { spawnSync } from 'node:child_process';
import { REPO_ROOT, SERVER_CLI, SERVER_MAIN } from './paths';

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runNode(script: string, args: string[], env: Record<string, string>): CommandResult {
  const result = spawnSync(process.execPath, [script, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_PRETTY: 'false', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the `huika` operations command (built) with the given environment. */
export function huika(args: string[], env: Record<string, string>): CommandResult {
  return runNode(SERVER_CLI, args, env);
}

/** Runs the server's entry point to completion (for start-up failures). */
export function runServerMain(env: Record<string, string>): CommandResult {
  return runNode(SERVER_MAIN, [], env);
}
