import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
export const SERVER_MAIN = join(REPO_ROOT, 'server', 'dist', 'main.js');
export const SERVER_CLI = join(REPO_ROOT, 'server', 'dist', 'cli.js');
export const H5_DIR = join(REPO_ROOT, 'miniapp', 'dist', 'h5');
export const WEAPP_DIR = join(REPO_ROOT, 'miniapp', 'dist', 'weapp');
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test', 'artifacts');
