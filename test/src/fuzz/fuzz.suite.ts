import { createHash } from 'node:crypto';
import { WechatFake } from '../fakes/wechat-fake';
import { type RunningServer, startServer } from '../harness/server';
import {
  adminLogin,
  cashierLogin,
  createMember,
  describeOnMysql,
  errorContractProblem,
  expectStatus,
  ledgerFigures,
  mapPool,
  type Member,
  type Outcome,
  report,
  scanCard,
  send,
  type Staff,
  staffLogin,
  withDb,
} from '../fault/support';
import { badValues, Draw, type JsonSchema, type Operation, operationsOf, propertyPaths, withProperty } from './openapi';

/** Change it to explore other cases; every run with the same seed sends the same requests. */
const SEED = 20_261_122;
const BODY_LIMIT = 65_536;
const CONCURRENCY = 4;
/** A ULID that names nothing. */
const GHOST_ID = '01JZZZZZZZZZZZZZZZZZZZZZZZ';

interface FuzzCase {
  label: string;
  path: string;
  query?: string;
  body?: unknown;
  raw?: string | Uint8Array<ArrayBuffer>;
  contentType?: string | null;
  /** undefined: the route's own token; null: none. */
  authorization?: string | null;
  idempotencyKey?: string | null;
  headers?: Record<string, string>;
  /** A status this case must get, beyond "4xx on contract". */
  expectStatus?: number[];
}

interface Context {
  tokens: { admin: Staff; cashier: Staff; manager: Staff; member: Member; victim: Member };
  storeId: string;
  checkoutToken: string;
  /** Real ids for routes that do not move value: their bodies may succeed, on things made for the purpose. */
  ids: Record<string, string>;
}

/** Path parameters that are not ids. Written as they go on the wire (some deliberately not valid encoding). */
const BAD_PATH_PARAMS = [
  '..%2F..%2Fetc%2Fpasswd',
  '../../etc',
  '%00',
  '%',
  '%zz',
  'x'.repeat(300),
  encodeURIComponent('😀中文'),
  '-1',
  '0',
  '1e308',
  'null',
  '%20',
  encodeURIComponent("' OR 1=1 --"),
  encodeURIComponent('<script>'),
  GHOST_ID.toLowerCase(),
];

const BAD_INTEGERS = ['0', '-1', '100000', '1e308', 'abc', '', '1.5', 'NaN', '0x10', '%20', '9007199254740993'];
const BAD_STRINGS = [
  'garbage',
  '%00',
  'x'.repeat(600),
  encodeURIComponent('😀'),
  encodeURIComponent("'; DROP TABLE members; --"),
  '..%2F..',
];
const MALFORMED_JSON = ['{', '{"a":', '[1,2', 'nul', '{"a":1}}', "{'a':1}", '{"a":NaN}', '{"a":01}', '\u0000'];

function seedOf(text: string): number {
  return SEED ^ createHash('sha256').update(text).digest().readUInt32BE(0);
}

function tokenFor(operation: Operation, context: Context): string | undefined {
  const { tokens } = context;
  if (operation.auth === 'member')
    return operation.method === 'DELETE' && operation.path === '/api/me' ? tokens.victim.token : tokens.member.token;
  if (operation.auth !== 'staff') return undefined;
  if (operation.roles.length === 0 || operation.roles.includes('cashier')) return tokens.cashier.token;
  if (operation.roles.includes('admin')) return tokens.admin.token;
  return tokens.manager.token;
}

/** A real id for a route that does not move value, a ghost for one that does (so it is always refused). */
function idFor(operation: Operation, param: string, context: Context): string {
  if (operation.idempotent) return GHOST_ID;
  const resource = /^\/api\/admin\/([a-z-]+)\//.exec(operation.path)?.[1];
  return (resource && context.ids[`${resource}.${param}`]) ?? GHOST_ID;
}

function casesFor(operation: Operation, context: Context): FuzzCase[] {
  const draw = new Draw(seedOf(operation.name));
  const pathWith = (param?: string, value?: string) =>
    operation.path.replace(/\{(\w+)\}/g, (_match, name: string) =>
      name === param && value !== undefined ? value : encodeURIComponent(idFor(operation, name, context)),
    );
  const path = pathWith();
  let base: unknown;
  if (operation.body) {
    base = draw.valid(operation.body);
    if (base && typeof base === 'object' && !Array.isArray(base)) {
      const record = base as Record<string, unknown>;
      if ('storeId' in record) record.storeId = context.storeId;
      // Quotes have no effect: a real checkout lets their pricing meet every bad number.
      if (operation.path === '/api/pos/quotes') record.checkoutToken = context.checkoutToken;
      // A valid new password is hashed (scrypt, the slowest thing the server does): an optional one stays out of
      // the base, so that only the cases about the password itself pay for it.
      for (const name of Object.keys(record)) {
        if (/password/i.test(name) && !operation.body.required?.includes(name)) delete record[name];
      }
    }
  }
  const cases: FuzzCase[] = [];
  const add = (fuzzCase: Omit<FuzzCase, 'path'> & { path?: string }) =>
    cases.push({ path, body: base, ...fuzzCase } as FuzzCase);

  for (const param of operation.pathParams) {
    for (const value of BAD_PATH_PARAMS)
      add({ label: `path ${param}=${value.slice(0, 24)}`, path: pathWith(param, value) });
  }

  for (const parameter of operation.query) {
    const values =
      parameter.schema.type === 'integer' || parameter.schema.type === 'number' ? BAD_INTEGERS : BAD_STRINGS;
    for (const value of [...values, ...(parameter.schema.enum ? ['nope', 'TRUE'] : [])]) {
      add({ label: `query ${parameter.name}=${value.slice(0, 24)}`, query: `${parameter.name}=${value}` });
    }
    add({ label: `query ${parameter.name} twice`, query: `${parameter.name}=1&${parameter.name}=2` });
    add({ label: `query ${parameter.name}[]`, query: `${parameter.name}[]=1&${parameter.name}[x]=2` });
  }
  if (operation.method === 'GET') {
    add({ label: 'query pollution', query: '__proto__[x]=1&constructor[prototype][x]=1&limit=-1&cursor=%00' });
  }

  if (operation.body) {
    MALFORMED_JSON.forEach((raw, i) => add({ label: `malformed JSON #${i}`, raw, expectStatus: [400] }));
    add({ label: 'empty body as JSON', raw: '', expectStatus: [400] });
    add({ label: 'nested 20000 deep', raw: `${'['.repeat(20_000)}${']'.repeat(20_000)}` });
    add({ label: 'object nested 5000 deep', raw: `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}` });
    for (const [label, value] of [
      ['null', null],
      ['empty array', []],
      ['array of the body', [base]],
      ['string', 'body'],
      ['number', 42],
      ['boolean', true],
      ['empty object', {}],
    ] as const) {
      add({ label: `body ${label}`, body: value });
    }
    add({ label: '__proto__ key', raw: '{"__proto__":{"isAdmin":true}}' });
    add({ label: 'constructor.prototype key', raw: '{"constructor":{"prototype":{"isAdmin":true}}}' });
    const json = JSON.stringify(base);
    add({ label: 'text/plain', raw: json, contentType: 'text/plain' });
    add({ label: 'form encoded', raw: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' });
    add({
      label: 'multipart',
      raw: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n',
      contentType: 'multipart/form-data; boundary=x',
    });
    add({ label: 'xml', raw: '<a>1</a>', contentType: 'application/xml' });
    add({ label: 'no content type', raw: json, contentType: null });
    add({ label: 'JSON in utf-16 charset', raw: json, contentType: 'application/json; charset=utf-16' });
    add({ label: 'JSON, not UTF-8', raw: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) });
    add({ label: 'gzip claimed, not gzip', raw: json, headers: { 'content-encoding': 'gzip' } });
    add({
      label: `over ${BODY_LIMIT} bytes`,
      body: { ...(base as object), padding: 'p'.repeat(BODY_LIMIT + 10) },
      expectStatus: [413],
    });
    add({
      label: 'over the limit as text',
      raw: 'p'.repeat(BODY_LIMIT * 2),
      contentType: 'text/plain',
      expectStatus: [413, 415],
    });

    for (const property of propertyPaths(operation.body as JsonSchema)) {
      const name = property.path.join('.');
      if (property.required) add({ label: `${name} missing`, body: withProperty(base, property.path, undefined) });
      for (const bad of badValues(property.schema, draw)) {
        add({ label: `${name}: ${bad.label}`, body: withProperty(base, property.path, bad.value) });
      }
      if (property.schema.type === 'integer' || property.schema.type === 'number') {
        // Valid JSON that JSON.parse turns into Infinity: no JSON.stringify can send it.
        const raw = JSON.stringify(withProperty(base, property.path, '\u0000inf')).replace('"\\u0000inf"', '1e999');
        add({ label: `${name}: 1e999`, raw });
      }
    }
  }

  if (operation.auth === 'member' || operation.auth === 'staff') {
    const other = operation.auth === 'member' ? context.tokens.cashier.token : context.tokens.member.token;
    for (const [label, authorization] of [
      ['garbage token', 'Bearer garbage'],
      ['empty bearer', 'Bearer '],
      ['8000-char token', `Bearer ${'a'.repeat(8_000)}`],
      ['basic auth', 'Basic YWRtaW46YWRtaW4tcGFzc3dvcmQ='],
      ['alg none', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4IiwidHlwIjoic3RhZmYiLCJyb2xlIjoiYWRtaW4ifQ.'],
      ['the other kind of token', `Bearer ${other}`],
    ] as const) {
      add({ label: `auth: ${label}`, authorization, expectStatus: [401, 403] });
    }
  }
  if (operation.idempotent) {
    add({ label: 'no Idempotency-Key', idempotencyKey: null });
    add({ label: '256-char Idempotency-Key', idempotencyKey: 'k'.repeat(256) });
    add({ label: '8000-char Idempotency-Key', idempotencyKey: 'k'.repeat(8_000) });
  }
  return cases;
}

async function fire(
  baseUrl: string,
  operation: Operation,
  fuzzCase: FuzzCase,
  context: Context,
  n: number,
): Promise<Outcome> {
  const headers: Record<string, string> = { ...fuzzCase.headers };
  const token = tokenFor(operation, context);
  if (fuzzCase.authorization === undefined) {
    if (token) headers.authorization = `Bearer ${token}`;
  } else if (fuzzCase.authorization !== null) {
    headers.authorization = fuzzCase.authorization;
  }
  if (operation.idempotent && fuzzCase.idempotencyKey !== null) {
    headers['idempotency-key'] = fuzzCase.idempotencyKey ?? `fuzz-${n}`;
  }
  const withBody = operation.method !== 'GET' && (fuzzCase.raw !== undefined || fuzzCase.body !== undefined);
  return send(baseUrl, operation.method, `${fuzzCase.path}${fuzzCase.query ? `?${fuzzCase.query}` : ''}`, {
    headers,
    body: withBody && fuzzCase.raw === undefined ? fuzzCase.body : undefined,
    raw: withBody ? fuzzCase.raw : undefined,
    contentType: fuzzCase.contentType,
    timeoutMs: 15_000,
  });
}

/**
 * Bad input, driven by the OpenAPI document: for every route, with the right kind of token, malformed JSON,
 * wrong content types, oversized bodies, wrong types and missing properties, unicode and very long strings,
 * numbers out of every range, arrays for objects, path parameters that are not ids, pagination out of range.
 * Only 4xx (or, for a route that moves nothing, a 2xx), every error on contract with no stack, and no change to
 * the books: the routes that move value are sent only requests they must refuse.
 */
export function fuzzSuite(): void {
  describeOnMysql('bad input fuzzer, driven by the OpenAPI document', () => {
    let server: RunningServer;
    let wechat: WechatFake;

    beforeAll(async () => {
      // WeChat is a fake here, so that login and phone codes are refused by "WeChat" (401), not 503 unconfigured.
      wechat = await WechatFake.start();
      server = await startServer({
        env: {
          HUIKA_BODY_LIMIT_BYTES: String(BODY_LIMIT),
          HUIKA_WECHAT_BASE_URL: wechat.url,
          HUIKA_WECHAT_APPID: wechat.appId,
          HUIKA_WECHAT_SECRET: wechat.secret,
        },
      });
    });

    afterAll(async () => {
      await server?.stop();
      await server?.database.drop();
      await wechat?.stop();
    });

    it('answers every malformed request with a 4xx on contract and leaves the books alone', async () => {
      const started = Date.now();
      const baseUrl = server.baseUrl;
      const document = expectStatus<unknown>(await send(baseUrl, 'GET', '/api/openapi.json'), 200, 'OpenAPI document');
      const operations = operationsOf(document);
      expect(operations.length).toBeGreaterThan(40);

      const admin = await adminLogin(baseUrl);
      const cashier = await cashierLogin(baseUrl);
      const manager = await staffLogin(baseUrl, 'manager', 'huika-demo');
      const run = Date.now().toString(36);
      const member = await createMember(baseUrl, `o-fuzz-${run}`);
      const victim = await createMember(baseUrl, `o-fuzz-victim-${run}`);
      const checkoutToken = await scanCard(baseUrl, baseUrl, member, cashier);
      const create = async (path: string, body: unknown) =>
        expectStatus<{ id: string; code?: string }>(
          await send(baseUrl, 'POST', path, { token: admin.token, body }),
          201,
          path,
        );
      const store = await create('/api/admin/stores', { code: `FZ${run.slice(-6).toUpperCase()}`, name: '模糊测试店' });
      const staff = await create('/api/admin/staff', {
        username: `fuzz-${run}`,
        password: 'fuzz-password',
        displayName: '模糊测试',
        role: 'cashier',
        storeId: store.id,
      });
      const gift = await create('/api/admin/gifts', {
        name: '测试礼品',
        pointsPrice: 100,
        stock: 5,
        perMemberLimit: null,
      });
      const activity = await create('/api/admin/activities', {
        name: '测试活动',
        startsAt: '2031-06-20T14:00:00+08:00',
        signupDeadline: '2031-06-18T23:59:59+08:00',
        capacity: 10,
        pointsFee: 0,
      });
      const campaign = await create('/api/admin/campaigns', {
        name: '未来活动',
        kind: 'discount',
        discountPercent: 95,
        startsAt: '2031-01-01T00:00:00+08:00',
        endsAt: '2031-01-31T23:59:59+08:00',
      });
      const scene = await create('/api/admin/scenes', { kind: 'store', targetId: store.id, code: `fz-${run}` });
      const context: Context = {
        tokens: { admin, cashier, manager, member, victim },
        storeId: String(cashier.storeId),
        checkoutToken,
        ids: {
          'stores.id': store.id,
          'staff.id': staff.id,
          'gifts.id': gift.id,
          'activities.id': activity.id,
          'campaigns.id': campaign.id,
          'scenes.code': String(scene.code),
          'members.id': victim.id,
        },
      };

      // Nothing is due to expire now; after that, only a refused request could move the books, and none may.
      expectStatus(await send(baseUrl, 'POST', '/api/dev/expire-points', { body: {} }), 200, 'expire points');
      const before = await withDb(server.database.url, ledgerFigures);

      const planned = operations.flatMap((operation) =>
        casesFor(operation, context).map((fuzzCase) => ({ operation, fuzzCase })),
      );
      const problems: string[] = [];
      const statuses: Record<string, number> = {};
      const accepted: Record<string, number> = {};
      const msByRoute: Record<string, number> = {};
      await mapPool(planned, CONCURRENCY, async ({ operation, fuzzCase }, n) => {
        const outcome = await fire(baseUrl, operation, fuzzCase, context, n);
        const route = `${operation.method} ${operation.path}`;
        msByRoute[route] = (msByRoute[route] ?? 0) + outcome.ms;
        const where = `${route} [${fuzzCase.label}]`;
        if (outcome.kind === 'none') {
          problems.push(`${where}: no answer (${outcome.error})`);
          return;
        }
        statuses[outcome.status] = (statuses[outcome.status] ?? 0) + 1;
        const contract = errorContractProblem(outcome);
        if (contract) problems.push(`${where}: ${contract}`);
        if (outcome.status >= 500 || (outcome.status >= 300 && outcome.status < 400)) {
          problems.push(`${where}: ${outcome.status} ${outcome.text.slice(0, 160)}`);
        } else if (outcome.status < 300) {
          if (operation.idempotent) problems.push(`${where}: a value-moving route accepted ${outcome.status}`);
          accepted[`${operation.method} ${operation.path}`] =
            (accepted[`${operation.method} ${operation.path}`] ?? 0) + 1;
        }
        if (fuzzCase.expectStatus && !fuzzCase.expectStatus.includes(outcome.status)) {
          problems.push(
            `${where}: expected ${fuzzCase.expectStatus.join('/')}, got ${outcome.status} ${outcome.text.slice(0, 120)}`,
          );
        }
      });
      const fuzzMs = Date.now() - started;

      // Still serving, and the books untouched.
      expectStatus(await send(baseUrl, 'GET', '/api/health'), 200, 'health after the fuzz');
      await send(baseUrl, 'DELETE', '/api/dev/clock');
      const after = await withDb(server.database.url, ledgerFigures);
      const slowest = Object.entries(msByRoute)
        .sort(([, a], [, b]) => b - a)
        .slice(0, 8);
      report('fuzz', {
        seed: SEED,
        routes: operations.length,
        requests: planned.length,
        statuses,
        problems: problems.length,
        acceptedByRoute: accepted,
        slowestRoutesMs: Object.fromEntries(slowest),
        fuzzMs,
      });
      expect(problems.sort()).toEqual([]);
      expect(after).toEqual(before);
      // A 500 is logged as "unexpected error" with its stack: there must be none.
      expect(server.output()).not.toContain('unexpected error');
    });
  });
}
