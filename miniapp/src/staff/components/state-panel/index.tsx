import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { tStaff } from '../../../i18n';
import type { ShownError } from '../../errors';
import './index.scss';

export type StatePanelProps =
  | { kind: 'loading'; text?: string }
  | { kind: 'empty'; title: string; lead?: string; action?: ReactNode }
  | { kind: 'error'; error: ShownError; onRetry?: () => void; children?: ReactNode };

/** The loading, empty and error states of the staff pages, one look for all of them. */
export function StatePanel(props: StatePanelProps) {
  switch (props.kind) {
    case 'loading':
      return (
        <View className="state-panel state-panel--loading" aria-live="polite">
          <View className="state-panel__spinner" />
          <Text className="state-panel__text">{props.text ?? tStaff.states.loading}</Text>
        </View>
      );
    case 'empty':
      return (
        <View className="state-panel state-panel--empty">
          <Text className="state-panel__title">{props.title}</Text>
          {props.lead ? <Text className="state-panel__text">{props.lead}</Text> : null}
          {props.action ? <View className="state-panel__action">{props.action}</View> : null}
        </View>
      );
    case 'error':
      return <ErrorNotice error={props.error} onRetry={props.onRetry} extra={props.children} />;
  }
}

export interface ErrorNoticeProps {
  error: ShownError;
  onRetry?: () => void;
  extra?: ReactNode;
}

/** A failed call: the title for its code, the API's message, and a retry when one makes sense. */
export function ErrorNotice({ error, onRetry, extra }: ErrorNoticeProps) {
  return (
    <View className="state-panel state-panel--error" role="alert" data-code={error.code}>
      <Text className="state-panel__title">{error.title}</Text>
      {error.message !== error.title ? <Text className="state-panel__message">{error.message}</Text> : null}
      {extra}
      {onRetry ? (
        <Button className="state-panel__retry" size="small" fill="outline" type="danger" onClick={onRetry}>
          {tStaff.errors.retry}
        </Button>
      ) : null}
    </View>
  );
}
