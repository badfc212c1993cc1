import { Text, View } from '@tarojs/components';
import { Loading } from '@nutui/nutui-react-taro';
import { tMember } from '../../../i18n';
import { errorMessage } from '../../errors';
import type { PagedListState } from '../../hooks/use-paged-list';
import './index.scss';

/** The end of a paged list: loading more, a failed page with a retry, a tap to load more, or the end. */
export function ListFooter<T>({ state, onMore }: { state: PagedListState<T>; onMore: () => void }) {
  if (state.status !== 'ready' || state.items.length === 0) {
    return null;
  }
  if (state.loadingMore) {
    return (
      <View className="list-footer">
        <Loading type="spinner">{tMember.common.loadingMore}</Loading>
      </View>
    );
  }
  if (state.moreError) {
    return (
      <View className="list-footer list-footer--error" onClick={onMore}>
        <Text>{errorMessage(state.moreError)}</Text>
        <Text className="list-footer__link">{tMember.common.retry}</Text>
      </View>
    );
  }
  if (state.nextCursor !== null) {
    return (
      <View className="list-footer" onClick={onMore}>
        <Text className="list-footer__link">{tMember.common.loadMore}</Text>
      </View>
    );
  }
  return (
    <View className="list-footer">
      <Text>{tMember.common.noMore}</Text>
    </View>
  );
}
