// `npm start`: installs what is missing, builds what is out of date, and runs Huika on one port.
// With no DATABASE_URL it uses the embedded SQLite file data/huika.sqlite, in dev mode, with the demo program.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { build } from './build.mjs';
import { childEnv, installDependencies, log, root } from './lib.mjs';

installDependencies();
build(['shared', 'server', 'h5', 'admin']);

// Whether dev mode is on is the server's decision (devMode in server/src/config/config.ts): for the embedded
// default only, or when HUIKA_DEV=true; never with a DATABASE_URL or NODE_ENV=production unless asked for.
const env = childEnv();
log('starting the server');
const server = spawn(process.execPath, [join(root, 'server', 'dist', 'main.js')], { cwd: root, stdio: 'inherit', env });

// Ctrl-C reaches the server too (same process group); wait for it to close cleanly.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (server.exitCode === null) server.kill(signal);
  });
}
server.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1)));
