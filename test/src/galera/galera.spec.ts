import { galeraSuite } from '../fault/galera.suite';

jest.setTimeout(300_000);

/**
 * The Galera suite alone (`--selectProjects galera`): it starts its own cluster and never touches the machine's
 * MariaDB, so it may run while others use it. `npm test` runs the same suite in the fault stage.
 */
galeraSuite();
