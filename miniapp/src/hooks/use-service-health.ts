import { useCallback, useEffect, useRef, useState } from 'react';
import { routes, type ResponseOf } from '@huika/shared';
import { ApiError, callApi } from '../api/client';
import { t } from '../i18n';

export type ServiceHealth = ResponseOf<typeof routes.health>;

export type ServiceHealthState =
  { kind: 'loading' } | { kind: 'healthy'; health: ServiceHealth } | { kind: 'failed'; error: ApiError };

/** Asks GET /api/health once on mount; `retry` asks again. Answers to an older request are dropped. */
export function useServiceHealth(): { state: ServiceHealthState; retry: () => void } {
  const [state, setState] = useState<ServiceHealthState>({ kind: 'loading' });
  const latestRequest = useRef(0);

  const load = useCallback(async () => {
    const request = ++latestRequest.current;
    setState({ kind: 'loading' });
    try {
      const health = await callApi(routes.health);
      if (request === latestRequest.current) {
        setState({ kind: 'healthy', health });
      }
    } catch (error: unknown) {
      if (request === latestRequest.current) {
        setState({
          kind: 'failed',
          error: error instanceof ApiError ? error : new ApiError('NETWORK_ERROR', t.apiErrors.network, null),
        });
      }
    }
  }, []);

  useEffect(() => {
    void load();
    return () => {
      latestRequest.current += 1;
    };
  }, [load]);

  const retry = useCallback(() => {
    void load();
  }, [load]);

  return { state, retry };
}
