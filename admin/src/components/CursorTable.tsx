import { ProTable, type ActionType, type ProColumns, type ProTableProps } from '@ant-design/pro-components';
import { Button, Empty, Space } from 'antd';
import { useMemo, useRef, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { t } from '../i18n/zh-CN';
import { errorText } from './forms';
import { LoadError } from './LoadError';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** What a list route is asked for: the URL's filters, the page's cursor and the page size. */
export type PageQuery = { [filter: string]: string | number | undefined; cursor?: string; limit: number };

/** The URL keys the table keeps for itself: the page's cursor and the cursors of the pages before it. */
const CURSOR = 'cursor';
const TRAIL = 'trail';

interface CursorTableProps<T extends Record<string, unknown>> {
  columns: ProColumns<T>[];
  rowKey: keyof T & string;
  /** Loads one page: the URL's filters (only the `filters` keys), the cursor and the page size. */
  load: (query: PageQuery) => Promise<Page<T>>;
  /** Search-form fields kept in the URL. */
  filters?: readonly string[];
  /** The search form's values for the URL's filters, where a field holds several (a date range: from and to). */
  formValuesOf?: (filters: Record<string, string>) => Record<string, unknown>;
  toolBarRender?: ProTableProps<T, Record<string, unknown>>['toolBarRender'];
  actionRef?: React.MutableRefObject<ActionType | undefined>;
  headerTitle?: ReactNode;
  pageSize?: number;
}

/**
 * A ProTable over a cursor-paginated list route: filters and the page's cursor live in the URL (so a page can be
 * shared and reloaded), the server paginates, and loading, empty and error states are shown.
 */
export function CursorTable<T extends Record<string, unknown>>({
  columns,
  rowKey,
  load,
  filters = [],
  formValuesOf = (values) => values,
  toolBarRender,
  actionRef,
  headerTitle,
  pageSize = 20,
}: CursorTableProps<T>) {
  const [searchParams, setSearchParams] = useSearchParams();
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ownRef = useRef<ActionType>();
  const ref = actionRef ?? ownRef;

  const filterValues = useMemo(() => {
    const values: Record<string, string> = {};
    for (const key of filters) {
      const value = searchParams.get(key);
      if (value) values[key] = value;
    }
    return values;
  }, [filters, searchParams]);
  // Memoized on the URL's filters alone: a new initialValues object on every render would reset the form each time.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const formValues = useMemo(() => formValuesOf(filterValues), [filterValues]);
  const cursor = searchParams.get(CURSOR) ?? undefined;
  const trail = searchParams.get(TRAIL)?.split(',').filter(Boolean) ?? [];

  const go = (next: Record<string, string>) => setSearchParams(next);

  return (
    <>
      {error && <LoadError error={error} retry={() => ref.current?.reload()} style={{ marginBottom: 16 }} />}
      <ProTable<T, Record<string, unknown>>
        // The search form shows the URL's filters: a new search or a reset starts it from them again.
        key={JSON.stringify(formValues)}
        actionRef={ref}
        rowKey={rowKey}
        columns={columns}
        headerTitle={headerTitle}
        params={{ ...filterValues, cursor }}
        form={{ initialValues: formValues }}
        search={
          filters.length > 0
            ? { labelWidth: 'auto', searchText: t.common.search, resetText: t.common.reset, defaultCollapsed: false }
            : false
        }
        onSubmit={(values) => {
          const next: Record<string, string> = {};
          for (const key of filters) {
            const value = (values as Record<string, unknown>)[key];
            if (value !== undefined && value !== null && value !== '') next[key] = String(value);
          }
          go(next);
        }}
        onReset={() => go({})}
        request={async () => {
          try {
            const page = await load({ ...filterValues, ...(cursor ? { cursor } : {}), limit: pageSize });
            setError(null);
            setNextCursor(page.nextCursor);
            return { data: page.items, success: true };
          } catch (failure) {
            setError(errorText(failure));
            setNextCursor(null);
            return { data: [], success: false };
          }
        }}
        pagination={false}
        options={{ density: false, setting: false, reload: true }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.common.empty} /> }}
        toolBarRender={toolBarRender}
        footer={() => (
          <Space style={{ width: '100%', justifyContent: 'flex-end' }}>
            <Button
              disabled={!cursor}
              onClick={() => {
                const previous = trail.slice(0, -1);
                const back = trail[trail.length - 1];
                go({
                  ...filterValues,
                  ...(back ? { [CURSOR]: back } : {}),
                  ...(previous.length ? { [TRAIL]: previous.join(',') } : {}),
                });
              }}
            >
              {t.common.prevPage}
            </Button>
            <Button
              disabled={!nextCursor}
              onClick={() => {
                if (!nextCursor) return;
                const previous = cursor ? [...trail, cursor] : trail;
                go({
                  ...filterValues,
                  [CURSOR]: nextCursor,
                  ...(cursor || trail.length ? { [TRAIL]: previous.join(',') } : {}),
                });
              }}
            >
              {t.common.nextPage}
            </Button>
          </Space>
        )}
      />
    </>
  );
}
