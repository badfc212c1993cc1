import { Button, Empty, Table, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { t } from '../i18n/zh-CN';
import type { Page } from './CursorTable';
import { errorText } from './forms';
import { LoadError } from './LoadError';

/**
 * A list inside a page (a member's ledger, purchases, …): the server pages it by cursor and "加载更多" appends
 * the next page; loading, empty and error (with a retry) states as in the page-level tables.
 */
export function MoreList<T extends object>({
  load,
  columns,
  rowKey,
  reloadKey,
  testId,
}: {
  load: (cursor: string | undefined) => Promise<Page<T>>;
  columns: TableColumnsType<T>;
  rowKey: keyof T & string;
  /** Changes when the page's data changed (an action was taken): the list starts over. */
  reloadKey?: unknown;
  testId?: string;
}) {
  const [items, setItems] = useState<T[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const fetchPage = useCallback(
    async (cursor: string | undefined) => {
      setLoading(true);
      try {
        const page = await load(cursor);
        setItems((current) => (cursor ? [...current, ...page.items] : page.items));
        setNext(page.nextCursor);
        setError(null);
      } catch (failure) {
        setError(errorText(failure));
      } finally {
        setLoading(false);
      }
    },
    [load],
  );

  useEffect(() => {
    void fetchPage(undefined);
  }, [fetchPage, reloadKey]);

  return (
    <div data-testid={testId}>
      {error && <LoadError error={error} retry={() => void fetchPage(undefined)} style={{ marginBottom: 12 }} />}
      <Table<T>
        size="middle"
        rowKey={rowKey}
        columns={columns}
        dataSource={items}
        loading={loading}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.common.empty} /> }}
      />
      {next && (
        <div style={{ textAlign: 'center', marginTop: 12 }}>
          <Button loading={loading} onClick={() => void fetchPage(next)}>
            {t.members.loadMore}
          </Button>
        </div>
      )}
    </div>
  );
}
