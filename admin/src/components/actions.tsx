import type { ActionType } from '@ant-design/pro-components';
import { Alert, App, Button, Modal, Popconfirm } from 'antd';
import { useRef, type MutableRefObject, type ReactNode } from 'react';
import { newIdempotencyKey } from '../api/client';
import { t } from '../i18n/zh-CN';
import { errorText } from './forms';

/** The words of an on/off switch in a table row: 停用/启用 for accounts and stores, 暂停/恢复 for templates. */
export interface ToggleWords {
  turnOff: string;
  turnOn: string;
  confirmOff: string;
  confirmOn: string;
}

export const ACTIVE_WORDS: ToggleWords = {
  turnOff: t.common.deactivate,
  turnOn: t.common.activate,
  confirmOff: t.common.confirmDeactivate,
  confirmOn: t.common.confirmActivate,
};

/** A row's switch, asked for confirmation first. */
export function ActiveToggle({
  active,
  words = ACTIVE_WORDS,
  onToggle,
}: {
  active: boolean;
  words?: ToggleWords;
  onToggle: (active: boolean) => Promise<void>;
}) {
  return (
    <Popconfirm
      title={active ? words.confirmOff : words.confirmOn}
      onConfirm={() => onToggle(!active)}
      okText={t.common.yes}
      cancelText={t.common.no}
    >
      <a>{active ? words.turnOff : words.turnOn}</a>
    </Popconfirm>
  );
}

/** Saves a row's new `active`, says so, and reloads the table; a failure is said in `describe`'s words. */
export function useActiveSetter<T>(
  table: MutableRefObject<ActionType | undefined>,
  save: (row: T, active: boolean) => Promise<unknown>,
  describe: (error: unknown) => string = errorText,
): (row: T, active: boolean) => Promise<void> {
  const { message } = App.useApp();
  return async (row, active) => {
    try {
      await save(row, active);
      void message.success(t.common.saved);
      table.current?.reload();
    } catch (error) {
      void message.error(describe(error));
    }
  };
}

/** A table toolbar with one primary "create" button. */
export function createToolbar(label: string, onClick: () => void) {
  return () => [
    <Button key="create" type="primary" onClick={onClick}>
      {label}
    </Button>,
  ];
}

/** The dialog every create/edit form sits in: save and cancel, a spinner while saving, the failure above. */
export function FormModal({
  title,
  saving,
  failure,
  width,
  onSave,
  onCancel,
  children,
}: {
  title: string;
  saving: boolean;
  failure: string | null;
  width?: number;
  onSave: () => void;
  onCancel: () => void;
  children: ReactNode;
}) {
  return (
    <Modal
      open
      width={width}
      title={title}
      okText={t.common.save}
      cancelText={t.common.cancel}
      confirmLoading={saving}
      onOk={onSave}
      onCancel={onCancel}
      destroyOnClose
    >
      {failure && <Alert type="error" showIcon message={failure} style={{ marginBottom: 16 }} />}
      {children}
    </Modal>
  );
}

/**
 * The idempotency key for a dialog's request: the same key while the same body is sent again (a double click, a
 * retry after a lost answer), a new one once the body changes (the first try was refused and the form corrected).
 */
export function useIdempotencyKeys(): (body: unknown) => string {
  const last = useRef<{ body: string; key: string } | null>(null);
  return (body) => {
    const json = JSON.stringify(body);
    if (last.current?.body !== json) last.current = { body: json, key: newIdempotencyKey() };
    return last.current.key;
  };
}

/** A dialog's onClose over a table: the dialog goes, and the table reloads when something was saved. */
export function closeAndReload(
  close: (dialog: null) => void,
  table: MutableRefObject<ActionType | undefined>,
): (saved: boolean) => void {
  return (saved) => {
    close(null);
    if (saved) table.current?.reload();
  };
}
