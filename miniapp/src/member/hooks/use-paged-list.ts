import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError } from '../../api/client';
import { toApiError } from '../errors';
import { goToJoin } from '../sign-in';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type PagedListState<T> =
  | { status: 'loading' }
  | { status: 'failed'; error: ApiError }
  | {
      status: 'ready';
      items: T[];
      nextCursor: string | null;
      loadingMore: boolean;
      /** The last "load more" failed; the items already shown stay. */
      moreError: ApiError | null;
    };

export interface PagedList<T> {
  state: PagedListState<T>;
  /** Fetches the next page, if there is one and none is on its way (infinite scroll calls it freely). */
  loadMore: () => void;
  /** Starts again from the first page. */
  reload: () => void;
}

/** A cursor-paginated list (`{ items, nextCursor }`, API.md) read page by page, newest first. */
export function usePagedList<T>(loadPage: (cursor: string | undefined) => Promise<Page<T>>): PagedList<T> {
  const [state, setState] = useState<PagedListState<T>>({ status: 'loading' });
  const generation = useRef(0);
  const busy = useRef(false);
  const stateRef = useRef(state);
  stateRef.current = state;
  const loadRef = useRef(loadPage);
  loadRef.current = loadPage;

  const fail = useCallback((error: unknown): ApiError => {
    const apiError = toApiError(error);
    if (apiError.code === 'MEMBER_NOT_FOUND') {
      goToJoin();
    }
    return apiError;
  }, []);

  const reload = useCallback(() => {
    const current = ++generation.current;
    busy.current = true;
    setState({ status: 'loading' });
    loadRef.current(undefined).then(
      (page) => {
        if (current !== generation.current) return;
        busy.current = false;
        setState({
          status: 'ready',
          items: page.items,
          nextCursor: page.nextCursor,
          loadingMore: false,
          moreError: null,
        });
      },
      (error: unknown) => {
        if (current !== generation.current) return;
        busy.current = false;
        setState({ status: 'failed', error: fail(error) });
      },
    );
  }, [fail]);

  const loadMore = useCallback(() => {
    const shown = stateRef.current;
    if (busy.current || shown.status !== 'ready' || shown.nextCursor === null) {
      return;
    }
    const current = generation.current;
    busy.current = true;
    setState({ ...shown, loadingMore: true, moreError: null });
    loadRef.current(shown.nextCursor).then(
      (page) => {
        if (current !== generation.current) return;
        busy.current = false;
        setState((previous) =>
          previous.status === 'ready'
            ? {
                ...previous,
                items: [...previous.items, ...page.items],
                nextCursor: page.nextCursor,
                loadingMore: false,
              }
            : previous,
        );
      },
      (error: unknown) => {
        if (current !== generation.current) return;
        busy.current = false;
        const apiError = fail(error);
        setState((previous) =>
          previous.status === 'ready' ? { ...previous, loadingMore: false, moreError: apiError } : previous,
        );
      },
    );
  }, [fail]);

  useEffect(() => {
    reload();
    return () => {
      generation.current += 1;
    };
  }, [reload]);

  return { state, loadMore, reload };
}
