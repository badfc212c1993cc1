import { type ProColumns } from '@ant-design/pro-components';
import { routes, type StaffView } from '@huika/shared';
import { Tag } from 'antd';
import type { z } from 'zod';
import { callApi } from '../api/client';
import { CursorTable } from '../components/CursorTable';
import { formatTime } from '../components/format';
import { t } from '../i18n/zh-CN';

type Staff = z.output<typeof StaffView>;

/** 本店员工: a store manager's own store's staff (the server scopes the list to the caller's store). */
export function StoreStaffPage() {
  const columns: ProColumns<Staff>[] = [
    { title: t.staff.username, dataIndex: 'username' },
    { title: t.staff.displayName, dataIndex: 'displayName' },
    { title: t.staff.role, dataIndex: 'role', render: (_, row) => <Tag>{t.roles[row.role]}</Tag> },
    {
      title: t.common.status,
      dataIndex: 'active',
      render: (_, row) => (row.active ? <Tag color="success">{t.common.active}</Tag> : <Tag>{t.common.inactive}</Tag>),
    },
    { title: t.common.createdAt, dataIndex: 'createdAt', renderText: formatTime },
  ];
  return (
    <CursorTable<Staff> rowKey="id" columns={columns} load={(query) => callApi(routes.storeStaffList, { query })} />
  );
}
