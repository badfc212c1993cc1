import { type ProColumns } from '@ant-design/pro-components';
import { routes, type AuditLogEntryView } from '@huika/shared';
import { Descriptions, Modal, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { z } from 'zod';
import { callApi } from '../api/client';
import { CursorTable } from '../components/CursorTable';
import { formatTime } from '../components/format';
import { t } from '../i18n/zh-CN';

type Entry = z.output<typeof AuditLogEntryView>;

function actorText(actor: Entry['actor']): string {
  if (!actor) return t.audit.anonymous;
  const kind = t.audit[actor.kind];
  return actor.id ? `${kind} ${actor.id}` : kind;
}

function Json({ value }: { value: unknown }) {
  return (
    <Typography.Paragraph style={{ margin: 0 }}>
      <pre style={{ margin: 0, maxHeight: 320, overflow: 'auto', fontSize: 12 }}>
        {value === undefined || value === null ? '—' : JSON.stringify(value, null, 2)}
      </pre>
    </Typography.Paragraph>
  );
}

/** 审计日志: who did what to what, filtered on the server by actor, action and target. */
export function AuditLogPage() {
  const [open, setOpen] = useState<Entry | null>(null);
  const columns: ProColumns<Entry>[] = [
    { title: t.audit.time, dataIndex: 'createdAt', search: false, width: 180, renderText: formatTime },
    { title: t.audit.action, dataIndex: 'action', render: (_, row) => <Tag color="geekblue">{row.action}</Tag> },
    { title: t.audit.actorId, dataIndex: 'actorId', hideInTable: true },
    {
      title: t.audit.date,
      dataIndex: 'date',
      valueType: 'dateRange',
      hideInTable: true,
      search: { transform: (range: [string, string]) => ({ from: range[0], to: range[1] }) },
    },
    { title: t.audit.actor, dataIndex: 'actor', search: false, render: (_, row) => actorText(row.actor) },
    { title: t.audit.targetKind, dataIndex: 'targetKind', hideInTable: true },
    { title: t.audit.targetId, dataIndex: 'targetId', hideInTable: true },
    {
      title: t.audit.target,
      dataIndex: 'target',
      search: false,
      render: (_, row) => (row.target ? `${row.target.kind}${row.target.id ? ` · ${row.target.id}` : ''}` : '—'),
    },
    {
      title: t.common.actions,
      valueType: 'option',
      width: 80,
      render: (_, row) => <a onClick={() => setOpen(row)}>{t.audit.detail}</a>,
    },
  ];
  return (
    <>
      <CursorTable<Entry>
        rowKey="id"
        columns={columns}
        filters={['action', 'actorId', 'targetKind', 'targetId', 'from', 'to']}
        formValuesOf={({ from, to, ...rest }) => ({ ...rest, ...(from && to ? { date: [from, to] } : {}) })}
        load={(query) => callApi(routes.adminAuditLog, { query })}
      />
      <Modal open={open !== null} onCancel={() => setOpen(null)} footer={null} width={760} title={open?.action}>
        {open && (
          <Descriptions column={1} bordered size="small">
            <Descriptions.Item label={t.audit.time}>{formatTime(open.createdAt)}</Descriptions.Item>
            <Descriptions.Item label={t.audit.actor}>{actorText(open.actor)}</Descriptions.Item>
            <Descriptions.Item label={t.audit.before}>
              <Json value={open.before} />
            </Descriptions.Item>
            <Descriptions.Item label={t.audit.after}>
              <Json value={open.after} />
            </Descriptions.Item>
          </Descriptions>
        )}
      </Modal>
    </>
  );
}
