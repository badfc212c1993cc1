import { type ResponseOf, routes } from '@huika/shared';
import { useEffect, useRef, useState } from 'react';
import { staffCall } from '../../../staff/api';
import { type ShownError, toShownError } from '../../../staff/errors';
import type { QuoteRequest } from './basket';

export type Quote = ResponseOf<typeof routes.quote>;

export type QuoteState =
  | { kind: 'idle' }
  | { kind: 'loading'; previous: Quote | null }
  | { kind: 'ready'; quote: Quote; fingerprint: string }
  | { kind: 'failed'; error: ShownError };

/** Wait this long after the last keystroke before asking for a quote. */
const DEBOUNCE_MS = 350;

/**
 * The live quote (POST /api/pos/quotes) for the basket as it is now: asked again, debounced, whenever the
 * request changes; an answer to an older request is dropped. `fingerprint` ties a quote to its request.
 */
export function useQuote(request: QuoteRequest | null): QuoteState {
  const [state, setState] = useState<QuoteState>({ kind: 'idle' });
  const latest = useRef(0);
  const fingerprint = request ? JSON.stringify(request) : null;

  useEffect(() => {
    const ticket = ++latest.current;
    if (fingerprint === null) {
      setState({ kind: 'idle' });
      return undefined;
    }
    setState((current) => ({
      kind: 'loading',
      previous: current.kind === 'ready' ? current.quote : current.kind === 'loading' ? current.previous : null,
    }));
    const timer = setTimeout(() => {
      const body = JSON.parse(fingerprint) as QuoteRequest;
      staffCall(routes.quote, { body })
        .then((quote) => {
          if (ticket === latest.current) setState({ kind: 'ready', quote, fingerprint });
        })
        .catch((error: unknown) => {
          if (ticket === latest.current) setState({ kind: 'failed', error: toShownError(error) });
        });
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [fingerprint]);

  return state;
}
