import { useCallback, useEffect, useRef, useState } from 'react';
import { routes, type ResponseOf } from '@huika/shared';
import type { ApiError } from '../../api/client';
import { callApi } from '../../api/client';
import { toApiError } from '../errors';
import { usePageVisibility } from './use-page-show';

export type CardCode = ResponseOf<typeof routes.myCardCode>;

export interface CardCodeState {
  /** The code on screen; kept through a failed refresh while the till would still accept it. */
  code: CardCode | null;
  loading: boolean;
  error: ApiError | null;
  /** Seconds until the next refresh, for the countdown under the code. */
  secondsLeft: number;
}

/** After a failed refresh, try again this soon (the till needs a live code). */
const RETRY_MS = 5_000;

/**
 * The card's dynamic QR payload (DOMAIN §2), fetched again when the server says (refreshInSeconds), when the page
 * is shown again (a code used at the till is replaced at once by the next request), and on demand. Nothing runs
 * while the page is hidden.
 */
export function useCardCode(): CardCodeState & { refresh: () => void } {
  const [state, setState] = useState<CardCodeState>({ code: null, loading: true, error: null, secondsLeft: 0 });
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const tickTimer = useRef<ReturnType<typeof setInterval> | null>(null);
  const deadline = useRef(0);
  const request = useRef(0);

  const stop = useCallback(() => {
    request.current += 1;
    if (refreshTimer.current) clearTimeout(refreshTimer.current);
    if (tickTimer.current) clearInterval(tickTimer.current);
    refreshTimer.current = null;
    tickTimer.current = null;
  }, []);

  const refresh = useCallback(async () => {
    stop();
    const current = request.current;
    setState((previous) => ({ ...previous, loading: true }));
    let delayMs = RETRY_MS;
    try {
      const code = await callApi(routes.myCardCode);
      if (current !== request.current) return;
      delayMs = code.refreshInSeconds * 1000;
      deadline.current = Date.now() + delayMs;
      setState({ code, loading: false, error: null, secondsLeft: code.refreshInSeconds });
    } catch (error: unknown) {
      if (current !== request.current) return;
      deadline.current = Date.now() + delayMs;
      setState((previous) => ({
        // A code past its expiry would only be refused at the till: better none than a dead one.
        code: previous.code && Date.parse(previous.code.expiresAt) > Date.now() ? previous.code : null,
        loading: false,
        error: toApiError(error),
        secondsLeft: 0,
      }));
    }
    refreshTimer.current = setTimeout(() => void refresh(), delayMs);
    tickTimer.current = setInterval(() => {
      const secondsLeft = Math.max(0, Math.ceil((deadline.current - Date.now()) / 1000));
      setState((previous) => (previous.secondsLeft === secondsLeft ? previous : { ...previous, secondsLeft }));
    }, 1000);
  }, [stop]);

  useEffect(() => {
    void refresh();
    return stop;
  }, [refresh, stop]);

  usePageVisibility(() => void refresh(), stop);

  return { ...state, refresh: () => void refresh() };
}
