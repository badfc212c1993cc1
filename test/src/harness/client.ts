import { type BodyOf, type ErrorBody, type QueryOf, type ResponseOf, type RouteName, routes } from '@huika/shared';

export interface CallOptions<N extends RouteName> {
  body?: BodyOf<(typeof routes)[N]>;
  query?: QueryOf<(typeof routes)[N]>;
  params?: Record<string, string>;
  token?: string;
  idempotencyKey?: string;
  headers?: Record<string, string>;
}

export type CallResult<N extends RouteName> =
  | { ok: true; status: number; body: ResponseOf<(typeof routes)[N]>; headers: Headers }
  | { ok: false; status: number; body: ErrorBody; headers: Headers };

/**
 * A typed client for the API, driven by the shared route contracts: the route name picks the method,
 * the path and the types; a successful body is checked against the contract's response schema.
 */
export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async call<N extends RouteName>(name: N, options: CallOptions<N> = {}): Promise<CallResult<N>> {
    const route = routes[name];
    const path = route.path.replace(/:(\w+)/g, (_match, param: string) => {
      const value = options.params?.[param];
      if (value === undefined) throw new Error(`missing path parameter ${param} for ${name}`);
      return encodeURIComponent(value);
    });
    const query = options.query
      ? `?${new URLSearchParams(Object.entries(options.query as Record<string, unknown>).map(([k, v]) => [k, String(v)])).toString()}`
      : '';
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}${query}`, {
      method: route.method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    const json: unknown =
      text && (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text;
    if (!response.ok) return { ok: false, status: response.status, body: json as ErrorBody, headers: response.headers };
    const schema = route.response;
    const body = schema ? schema.parse(json) : json;
    return {
      ok: true,
      status: response.status,
      body: body as ResponseOf<(typeof routes)[N]>,
      headers: response.headers,
    };
  }
}
