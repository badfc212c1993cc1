import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError } from '../../api/client';
import { toApiError } from '../errors';
import { goToJoin } from '../sign-in';

export type ResourceState<T> =
  { status: 'loading' } | { status: 'ready'; data: T; refreshing: boolean } | { status: 'failed'; error: ApiError };

export interface Resource<T> {
  state: ResourceState<T>;
  /** Loads again. A quiet reload keeps what is shown until the answer is in (page shown again, pull down). */
  reload: (options?: { quiet?: boolean }) => Promise<void>;
  /** Replaces the data in place, e.g. with what a mutation answered. */
  replace: (data: T) => void;
}

/**
 * One API read for a page: loading, ready or failed, with reload. Answers to an older request are dropped. A
 * signed-in identity that is not a member (MEMBER_NOT_FOUND: not joined yet, or the account was closed) is sent
 * to the join page; a 401 is already handled by the API client.
 */
export function useResource<T>(load: () => Promise<T>): Resource<T> {
  const [state, setState] = useState<ResourceState<T>>({ status: 'loading' });
  const latest = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(async (options: { quiet?: boolean } = {}) => {
    const request = ++latest.current;
    setState((previous) =>
      options.quiet && previous.status === 'ready' ? { ...previous, refreshing: true } : { status: 'loading' },
    );
    try {
      const data = await loadRef.current();
      if (request === latest.current) {
        setState({ status: 'ready', data, refreshing: false });
      }
    } catch (error: unknown) {
      if (request !== latest.current) {
        return;
      }
      const apiError = toApiError(error);
      if (apiError.code === 'MEMBER_NOT_FOUND') {
        goToJoin();
      }
      setState({ status: 'failed', error: apiError });
    }
  }, []);

  useEffect(() => {
    void reload();
    return () => {
      latest.current += 1;
    };
  }, [reload]);

  const replace = useCallback((data: T) => {
    latest.current += 1;
    setState({ status: 'ready', data, refreshing: false });
  }, []);

  return { state, reload, replace };
}
