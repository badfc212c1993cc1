import type { ActionType, ProColumns } from '@ant-design/pro-components';
import {
  CreateActivityBody,
  formatPoints,
  routes,
  UpdateActivityBody,
  type ActivityAdminView,
  type ActivitySignupAdminView,
} from '@huika/shared';
import {
  App,
  DatePicker,
  Drawer,
  Form,
  Input,
  InputNumber,
  Progress,
  Segmented,
  Space,
  Tag,
  type TableColumnsType,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import type { z } from 'zod';
import { callApi } from '../api/client';
import { CursorTable } from '../components/CursorTable';
import { MoreList } from '../components/MoreList';
import {
  ActiveToggle,
  createToolbar,
  FormModal,
  useActiveSetter,
  type ToggleWords,
  closeAndReload,
} from '../components/actions';
import { parseForm, placeServerError, type FieldHints } from '../components/forms';
import { formatTime } from '../components/format';
import { interpolate, t } from '../i18n/zh-CN';

type Activity = z.output<typeof ActivityAdminView>;
type Signup = z.output<typeof ActivitySignupAdminView>;

const a = t.activities;
const HINTS: FieldHints = {
  name: a.nameHint,
  description: t.common.invalid,
  startsAt: a.startsAtHint,
  signupDeadline: a.signupDeadlineHint,
  capacity: a.capacityHint,
  pointsFee: a.pointsFeeHint,
};
const WORDS: ToggleWords = {
  turnOff: a.deactivate,
  turnOn: a.activate,
  confirmOff: a.confirmDeactivate,
  confirmOn: a.confirmActivate,
};
const iso = (value: unknown) => (dayjs.isDayjs(value) ? (value as Dayjs).format('YYYY-MM-DDTHH:mm:ssZ') : undefined);

function ActivityForm({ activity, onClose }: { activity: Activity | 'new'; onClose: (saved: boolean) => void }) {
  const [form] = Form.useForm();
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const { message } = App.useApp();
  const creating = activity === 'new';

  const submit = async () => {
    setFailure(null);
    const values = form.getFieldsValue() as Record<string, unknown>;
    const fields = {
      name: values.name,
      description: values.description ? values.description : null,
      startsAt: iso(values.startsAt),
      signupDeadline: iso(values.signupDeadline),
      capacity: values.capacity,
      pointsFee: values.pointsFee,
    };
    const body = creating
      ? parseForm(form, CreateActivityBody, fields, HINTS)
      : parseForm(form, UpdateActivityBody, fields, HINTS);
    if (!body) return;
    setSaving(true);
    try {
      if (creating) await callApi(routes.createActivity, { body: body as z.input<typeof CreateActivityBody> });
      else
        await callApi(routes.updateActivity, {
          params: { id: activity.id },
          body: body as z.input<typeof UpdateActivityBody>,
        });
      void message.success(t.common.saved);
      onClose(true);
    } catch (error) {
      setFailure(placeServerError(form, error, HINTS, { CONFLICT: ['capacity', a.capacityConflict] }));
    } finally {
      setSaving(false);
    }
  };

  const initial = creating
    ? { capacity: 20, pointsFee: 0 }
    : {
        name: activity.name,
        description: activity.description ?? '',
        startsAt: dayjs(activity.startsAt),
        signupDeadline: dayjs(activity.signupDeadline),
        capacity: activity.capacity,
        pointsFee: activity.pointsFee,
      };

  return (
    <FormModal
      title={creating ? a.create : a.editTitle}
      saving={saving}
      failure={failure}
      width={600}
      onSave={() => void submit()}
      onCancel={() => onClose(false)}
    >
      <Form form={form} name="activity" layout="vertical" initialValues={initial}>
        <Form.Item name="name" label={a.name} required>
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item name="description" label={a.description}>
          <Input.TextArea rows={2} maxLength={255} showCount />
        </Form.Item>
        <Space size="large" style={{ display: 'flex' }}>
          <Form.Item name="startsAt" label={a.startsAt} required>
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
          </Form.Item>
          <Form.Item name="signupDeadline" label={a.signupDeadline} required>
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
          </Form.Item>
        </Space>
        <Space size="large" style={{ display: 'flex' }}>
          <Form.Item name="capacity" label={a.capacity} required>
            <InputNumber min={1} precision={0} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="pointsFee" label={a.pointsFee} required>
            <InputNumber min={0} precision={0} style={{ width: 160 }} />
          </Form.Item>
        </Space>
      </Form>
    </FormModal>
  );
}

function Signups({ activity, onClose }: { activity: Activity; onClose: () => void }) {
  const [status, setStatus] = useState<'all' | 'active' | 'cancelled'>('all');
  const load = useCallback(
    (cursor: string | undefined) =>
      callApi(routes.adminActivitySignups, {
        params: { id: activity.id },
        query: { limit: 20, cursor, ...(status === 'all' ? {} : { status }) },
      }),
    [activity.id, status],
  );
  const columns: TableColumnsType<Signup> = [
    {
      title: a.member,
      dataIndex: 'memberName',
      render: (name: string, signup) => <Link to={`/members/${signup.memberId}`}>{name}</Link>,
    },
    { title: a.cardNo, dataIndex: 'cardNo' },
    { title: a.paid, dataIndex: 'pointsFee', align: 'right', render: formatPoints },
    { title: a.signedUpAt, dataIndex: 'createdAt', render: formatTime },
    {
      title: t.common.status,
      dataIndex: 'status',
      render: (value: string, signup) => (
        <Space size={4}>
          <Tag color={value === 'active' ? 'success' : undefined}>{a.statuses[value] ?? value}</Tag>
          {signup.cancelledAt && formatTime(signup.cancelledAt)}
        </Space>
      ),
    },
  ];
  return (
    <Drawer open width={760} title={interpolate(a.signupsOf, { name: activity.name })} onClose={onClose}>
      <Segmented
        style={{ marginBottom: 16 }}
        value={status}
        onChange={(value) => setStatus(value as typeof status)}
        options={[
          { value: 'all', label: a.allStatuses },
          { value: 'active', label: a.statuses.active },
          { value: 'cancelled', label: a.statuses.cancelled },
        ]}
      />
      <MoreList load={load} columns={columns} rowKey="id" testId="activity-signups" />
    </Drawer>
  );
}

/** 会员活动: classes and outings members sign up for with points, their seats and who signed up. */
export function ActivitiesPage() {
  const ref = useRef<ActionType>();
  const [editing, setEditing] = useState<Activity | 'new' | null>(null);
  const [viewing, setViewing] = useState<Activity | null>(null);
  const setActive = useActiveSetter<Activity>(ref, (activity, active) =>
    callApi(routes.updateActivity, { params: { id: activity.id }, body: { active } }),
  );
  const columns: ProColumns<Activity>[] = [
    { title: a.name, dataIndex: 'name' },
    { title: a.startsAt, dataIndex: 'startsAt', renderText: formatTime },
    { title: a.signupDeadline, dataIndex: 'signupDeadline', renderText: formatTime },
    {
      title: a.capacity,
      dataIndex: 'taken',
      width: 180,
      render: (_, activity) => (
        <Space direction="vertical" size={0} style={{ width: '100%' }}>
          <span>{interpolate(a.seats, { taken: activity.taken, capacity: activity.capacity })}</span>
          <Progress
            percent={Math.round((activity.taken / activity.capacity) * 100)}
            size="small"
            showInfo={false}
            aria-label={a.capacity}
          />
        </Space>
      ),
    },
    {
      title: a.pointsFee,
      dataIndex: 'pointsFee',
      align: 'right',
      renderText: (fee: number) => (fee === 0 ? a.free : formatPoints(fee)),
    },
    {
      title: t.common.status,
      dataIndex: 'active',
      render: (_, activity) => (activity.active ? <Tag color="success">{a.open}</Tag> : <Tag>{a.closed}</Tag>),
    },
    {
      title: t.common.actions,
      valueType: 'option',
      render: (_, activity) => (
        <Space>
          <a onClick={() => setViewing(activity)}>{a.signups}</a>
          <a onClick={() => setEditing(activity)}>{t.common.edit}</a>
          <ActiveToggle active={activity.active} words={WORDS} onToggle={(active) => setActive(activity, active)} />
        </Space>
      ),
    },
  ];
  return (
    <>
      <CursorTable<Activity>
        actionRef={ref}
        rowKey="id"
        columns={columns}
        load={(query) => callApi(routes.listActivitiesAdmin, { query })}
        toolBarRender={createToolbar(a.create, () => setEditing('new'))}
      />
      {editing && <ActivityForm activity={editing} onClose={closeAndReload(setEditing, ref)} />}
      {viewing && <Signups activity={viewing} onClose={() => setViewing(null)} />}
    </>
  );
}
