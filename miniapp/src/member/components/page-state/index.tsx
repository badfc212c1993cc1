import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import { Button, Loading } from '@nutui/nutui-react-taro';
import { Failure, Tips } from '@nutui/icons-react-taro';
import type { ApiError } from '../../../api/client';
import { tMember } from '../../../i18n';
import { errorMessage } from '../../errors';
import type { ResourceState } from '../../hooks/use-resource';
import './index.scss';

/** `compact` fits the state inside one section of a page rather than the whole page. */
function stateClass(kind: 'loading' | 'error', compact: boolean): string {
  return `page-state page-state--${kind}${compact ? ' page-state--compact' : ''}`;
}

export function LoadingState({ text = tMember.common.loading, compact = false }: { text?: string; compact?: boolean }) {
  return (
    <View className={stateClass('loading', compact)} aria-busy="true">
      <Loading type="spinner" direction="vertical">
        {text}
      </Loading>
    </View>
  );
}

export interface ErrorStateProps {
  error: ApiError;
  onRetry?: () => void;
  title?: string;
  compact?: boolean;
}

/** What failed and why, in the server's (or our) words, with a retry: never a blank page. */
export function ErrorState({ error, onRetry, title = tMember.common.loadFailed, compact = false }: ErrorStateProps) {
  return (
    <View className={stateClass('error', compact)} role="alert">
      <View className="page-state__icon page-state__icon--error">
        <Failure size={28} />
      </View>
      <Text className="page-state__title">{title}</Text>
      <Text className="page-state__description">{errorMessage(error)}</Text>
      {onRetry && (
        <Button className="page-state__action" type="primary" fill="outline" size="small" onClick={onRetry}>
          {tMember.common.retry}
        </Button>
      )}
    </View>
  );
}

export interface EmptyStateProps {
  title: string;
  description?: string;
  icon?: ReactNode;
  actionText?: string;
  onAction?: () => void;
}

export function EmptyState({ title, description, icon, actionText, onAction }: EmptyStateProps) {
  return (
    <View className="page-state page-state--empty">
      <View className="page-state__icon">{icon ?? <Tips size={28} />}</View>
      <Text className="page-state__title">{title}</Text>
      {description && <Text className="page-state__description">{description}</Text>}
      {actionText && onAction && (
        <Button className="page-state__action" type="primary" size="small" onClick={onAction}>
          {actionText}
        </Button>
      )}
    </View>
  );
}

export interface ResourceViewProps<T> {
  state: ResourceState<T>;
  onRetry: () => void;
  children: (data: T) => ReactNode;
}

/** Loading, then the error or the page drawn from the data. */
export function ResourceView<T>({ state, onRetry, children }: ResourceViewProps<T>) {
  switch (state.status) {
    case 'loading':
      return <LoadingState />;
    case 'failed':
      return <ErrorState error={state.error} onRetry={onRetry} />;
    case 'ready':
      return <>{children(state.data)}</>;
  }
}
