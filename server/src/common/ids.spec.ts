import { decodeTime } from 'ulid';
import { newId } from './ids';

describe('newId', () => {
  it('makes ULIDs that are unique, increase in the order they are made, and carry the time', () => {
    const before = Date.now();
    const ids = Array.from({ length: 100_000 }, () => newId());
    const after = Date.now();
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i += 1) expect((ids[i - 1] as string) < (ids[i] as string)).toBe(true);
    for (const id of [ids[0], ids[ids.length - 1]] as string[]) {
      expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(decodeTime(id)).toBeGreaterThanOrEqual(before);
      expect(decodeTime(id)).toBeLessThanOrEqual(after);
    }
  });
});
