import { fuzzSuite } from '../fuzz/fuzz.suite';
import { crashSuite } from './crash.suite';
import { galeraSuite } from './galera.suite';
import { outageSuite } from './outage.suite';
import { scaleOutSuite } from './scale-out.suite';

jest.setTimeout(180_000);

/**
 * The fault and fuzz stage (MariaDB): one file, so that its suites run one after another in this order and
 * the database outage, which stops the machine's MariaDB, runs last and alone. The Galera suite runs its own
 * cluster beside the machine's MariaDB.
 */
crashSuite();
scaleOutSuite();
fuzzSuite();
galeraSuite();
outageSuite();
