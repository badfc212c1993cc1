/** One value that differs between two versions of the program, named by its dotted path. */
export interface ProgramChange {
  /** Dotted path into the configuration, array items by index: `tiers.ladder.1.discountPercent`. */
  path: string;
  /** Absent when the value did not exist before. */
  before?: unknown;
  /** Absent when the value no longer exists. */
  after?: unknown;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An array of plain values (member days, template ids) reads best as one value: `[9,19,29]` → `[8,18,28]`. */
const isListOfObjects = (value: unknown): value is unknown[] =>
  Array.isArray(value) && value.some((item) => typeof item === 'object' && item !== null);

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function walk(path: string[], before: unknown, after: unknown, changes: ProgramChange[]): void {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) walk([...path, key], before[key], after[key], changes);
    return;
  }
  if (isListOfObjects(before) && isListOfObjects(after)) {
    for (let i = 0; i < Math.max(before.length, after.length); i += 1) {
      walk([...path, String(i)], before[i], after[i], changes);
    }
    return;
  }
  if (same(before, after)) return;
  changes.push({
    path: path.join('.'),
    ...(before === undefined ? {} : { before }),
    ...(after === undefined ? {} : { after }),
  });
}

/**
 * What changed from one program configuration to the next, leaf by leaf, in a stable order (keys sorted,
 * array items by index). Objects are compared field by field; lists of objects (the tier ladder) item by
 * item; any other value, lists of plain values included, as a whole.
 */
export function diffProgram(before: unknown, after: unknown): ProgramChange[] {
  const changes: ProgramChange[] = [];
  walk([], before, after, changes);
  return changes;
}
