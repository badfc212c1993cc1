import { useEffect, useRef } from 'react';
import { useDidHide, useDidShow } from '@tarojs/taro';

/**
 * Runs `onHide` when the page goes out of view (another page on top, the app or the browser tab in the
 * background) and `onShow` when it comes back. A show that follows no hide, the page's first, is left to the
 * component's own mount effect, wherever in the page the component mounts. On H5 a hidden tab counts as hidden.
 */
export function usePageVisibility(onShow: () => void, onHide?: () => void): void {
  const state = useRef({ hidden: false, onShow, onHide });
  state.current.onShow = onShow;
  state.current.onHide = onHide;

  const show = useRef(() => {
    if (state.current.hidden) {
      state.current.hidden = false;
      state.current.onShow();
    }
  }).current;
  const hide = useRef(() => {
    if (!state.current.hidden) {
      state.current.hidden = true;
      state.current.onHide?.();
    }
  }).current;

  useDidShow(show);
  useDidHide(hide);

  useEffect(() => {
    if (process.env.TARO_ENV !== 'h5' || typeof document === 'undefined') {
      return undefined;
    }
    const onChange = () => (document.visibilityState === 'visible' ? show() : hide());
    document.addEventListener('visibilitychange', onChange);
    return () => document.removeEventListener('visibilitychange', onChange);
  }, [show, hide]);
}
