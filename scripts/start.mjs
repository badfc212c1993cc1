// `npm start`: installs what is missing, builds what is out of date, and runs Huika on one port.
// With no DATABASE_URL it uses the embedded SQLite file data/huika.sqlite and the demo program.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { build } from './build.mjs';
import { childEnv, installDependencies, log, root } from './lib.mjs';

installDependencies();
build(['shared', 'server', 'h5']);

// The local start is the demo: development login and SMS codes in the log are on unless set otherwise.
const env = childEnv({ HUIKA_DEV: process.env.HUIKA_DEV ?? 'true' });
log('starting the server');
const server = spawn(process.execPath, [join(root, 'server', 'dist', 'main.js')], { cwd: root, stdio: 'inherit', env });

// Ctrl-C reaches the server too (same process group); wait for it to close cleanly.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (server.exitCode === null) server.kill(signal);
  });
}
server.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1)));
