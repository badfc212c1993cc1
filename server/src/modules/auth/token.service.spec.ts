import * as jose from 'jose';
import { AppError } from '../../common/app-error';
import { Keys } from '../../common/keys';
import type { SettingsService } from '../../common/settings.service';
import { loadConfig } from '../../config/config';
import { STAFF_TOKEN_TTL_SECONDS, TokenService, VERIFIED_TOKENS_KEPT } from './token.service';

// The real jose, counted: a remembered token is answered without a second verification.
jest.mock('jose', () => {
  const actual = jest.requireActual<typeof import('jose')>('jose');
  return { ...actual, jwtVerify: jest.fn(actual.jwtVerify) };
});
const jwtVerify = jose.jwtVerify as jest.MockedFunction<typeof jose.jwtVerify>;

const START = Date.parse('2026-11-30T08:00:00Z');
const staff = { staffId: 'staff-1', role: 'cashier' as const, storeId: 'store-1', sessionVersion: 3 };

function tokenService(): TokenService {
  const config = loadConfig({ HUIKA_TOKEN_SECRET: 'a-secret-for-the-token-service-spec' });
  // With HUIKA_TOKEN_SECRET set, the key never comes from the settings table.
  return new TokenService(new Keys(config, {} as SettingsService));
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error.code;
}

describe('TokenService', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: START, doNotFake: ['nextTick', 'setImmediate'] });
    jwtVerify.mockClear();
  });
  afterEach(() => jest.useRealTimers());

  it('verifies a token once and answers its later calls from memory, with the same identity', async () => {
    const tokens = tokenService();
    const token = await tokens.signStaff(staff);
    const first = await tokens.verify(token);
    expect(first).toEqual({ kind: 'staff', ...staff });
    for (let i = 0; i < 5; i++) expect(await tokens.verify(token)).toEqual(first);
    expect(jwtVerify).toHaveBeenCalledTimes(1);

    const memberAuth = { identity: 'wx:openid-1', memberId: 'member-1', sessionId: 'session-1' };
    const member = await tokens.signMember(memberAuth);
    expect(await tokens.verify(member)).toEqual({ kind: 'member', ...memberAuth });
    expect(await tokens.verify(member)).toEqual({ kind: 'member', ...memberAuth });
    expect(jwtVerify).toHaveBeenCalledTimes(2);
  });

  it('answers TOKEN_EXPIRED for a remembered token from the second its exp names', async () => {
    const tokens = tokenService();
    const token = await tokens.signStaff(staff);
    await tokens.verify(token);
    jest.setSystemTime(START + STAFF_TOKEN_TTL_SECONDS * 1000 - 1);
    expect(await tokens.verify(token)).toEqual({ kind: 'staff', ...staff });
    jest.setSystemTime(START + STAFF_TOKEN_TTL_SECONDS * 1000);
    expect(await codeOf(tokens.verify(token))).toBe('TOKEN_EXPIRED');
    // Forgotten, and refused again on its own merits.
    expect(await codeOf(tokens.verify(token))).toBe('TOKEN_EXPIRED');
    expect(jwtVerify).toHaveBeenCalledTimes(2);
  });

  it('refuses a token whose signature does not match, even when the genuine one is remembered', async () => {
    const tokens = tokenService();
    const token = await tokens.signStaff(staff);
    await tokens.verify(token);
    const [header, payload] = token.split('.');
    const forged = `${header}.${Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), role: 'admin' }),
    ).toString('base64url')}.${token.split('.')[2]}`;
    expect(await codeOf(tokens.verify(forged))).toBe('UNAUTHORIZED');
    expect(await codeOf(tokens.verify(`${token}x`))).toBe('UNAUTHORIZED');
    // A token from another secret is not this server's, remembered or not.
    const other = new TokenService(
      new Keys(loadConfig({ HUIKA_TOKEN_SECRET: 'another-secret-of-at-least-32-characters' }), {} as SettingsService),
    );
    expect(await codeOf(tokens.verify(await other.signStaff(staff)))).toBe('UNAUTHORIZED');
  });

  it(`remembers at most ${VERIFIED_TOKENS_KEPT.toLocaleString('en')} tokens, forgetting the least recently used`, async () => {
    const tokens = tokenService();
    const first = await tokens.signStaff(staff);
    await tokens.verify(first);
    for (let i = 0; i < VERIFIED_TOKENS_KEPT; i++) {
      await tokens.verify(await tokens.signStaff({ ...staff, staffId: `other-staff-${i}` }));
    }
    jwtVerify.mockClear();
    await tokens.verify(first);
    expect(jwtVerify).toHaveBeenCalledTimes(1);
  });
});
