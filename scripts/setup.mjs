// Installs pnpm (pinned) and the workspace's dependencies.
import { installDependencies } from './lib.mjs';

installDependencies();
