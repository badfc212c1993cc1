import {
  AdminCloseMemberBody,
  AdminReissueCardBody,
  AdminUpdateMemberBody,
  formatFen,
  formatPoints,
  IssueCouponBody,
  EndManualTierBody,
  PointsAdjustmentBody,
  routes,
  SetTierBody,
  type AdminMemberOverview,
  type AuditLogEntryView,
  type CouponTemplateView,
  type CouponView,
  type MemberActivitySignupView,
  type PointEntry,
  type PurchaseView,
  type RedemptionView,
  type RouteContract,
  type StaffRole,
} from '@huika/shared';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Modal,
  Result,
  Select,
  Skeleton,
  Space,
  Tabs,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { z } from 'zod';
import { callApi, isApiError } from '../api/client';
import { useIdempotencyKeys } from '../components/actions';
import { useStaff } from '../auth/session';
import { MoreList } from '../components/MoreList';
import { errorText, parseForm, placeServerError, type FieldHints } from '../components/forms';
import { formatTime } from '../components/format';
import { interpolate, t } from '../i18n/zh-CN';
import { TierTag, useTiers } from './MembersPage';

type Overview = z.output<typeof AdminMemberOverview>;
type Action = 'adjustPoints' | 'issueCoupon' | 'setTier' | 'endTier' | 'editProfile' | 'reissueCard' | 'close';

const m = t.members;
const may = (route: RouteContract, role: StaffRole) => !route.roles || route.roles.includes(role);

/** The route behind each action: the button shows only to the roles that route allows. */
const ACTION_ROUTES: Record<Action | 'endSessions', RouteContract> = {
  adjustPoints: routes.adjustPoints,
  issueCoupon: routes.issueCoupon,
  setTier: routes.setMemberTier,
  endTier: routes.endMemberTier,
  editProfile: routes.adminMembersUpdate,
  reissueCard: routes.adminMemberCardReissue,
  close: routes.adminMemberClose,
  endSessions: routes.adminMemberSessionsEnd,
};

function useOverview(id: string) {
  const [overview, setOverview] = useState<Overview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let cancelled = false;
    setError(null);
    callApi(routes.adminMemberOverview, { params: { id } })
      .then((loaded) => !cancelled && setOverview(loaded))
      .catch((failure: unknown) => !cancelled && setError(failure));
    return () => {
      cancelled = true;
    };
  }, [id, version]);
  return { overview, error, version, reload: () => setVersion((v) => v + 1) };
}

/** One action's dialog: the form is checked by the route's own schema, server errors go on their fields. */
function ActionForm({
  title,
  hints,
  danger,
  submit,
  onClose,
  children,
  initialValues,
}: {
  title: string;
  hints: FieldHints;
  danger?: boolean;
  /** Parses the values (null: a field was marked) and calls the API; resolves to the success message. */
  submit: (values: Record<string, unknown>, form: ReturnType<typeof Form.useForm>[0]) => Promise<string | null>;
  onClose: (changed: boolean) => void;
  children: React.ReactNode;
  initialValues?: Record<string, unknown>;
}) {
  const [form] = Form.useForm();
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const { message } = App.useApp();
  const run = async () => {
    setFailure(null);
    setSaving(true);
    try {
      const done = await submit(form.getFieldsValue() as Record<string, unknown>, form);
      if (done !== null) {
        void message.success(done);
        onClose(true);
      }
    } catch (error) {
      setFailure(placeServerError(form, error, hints, { POINTS_INSUFFICIENT: ['points', m.adjust.insufficient] }));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open
      title={title}
      okText={t.common.save}
      cancelText={t.common.cancel}
      okButtonProps={{ danger: danger ?? false }}
      confirmLoading={saving}
      onOk={() => void run()}
      onCancel={() => onClose(false)}
      destroyOnClose
    >
      {failure && <Alert type="error" showIcon message={failure} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" initialValues={initialValues} onFinish={() => void run()}>
        {children}
      </Form>
    </Modal>
  );
}

/** Asks before a change that a member would notice: the confirmation names what happens. */
function confirmed(modal: ReturnType<typeof App.useApp>['modal'], content: string, danger = false): Promise<boolean> {
  return new Promise((resolve) => {
    void modal.confirm({
      title: m.confirmTitle,
      content,
      okText: t.common.yes,
      cancelText: t.common.no,
      okButtonProps: { danger },
      onOk: () => resolve(true),
      onCancel: () => resolve(false),
    });
  });
}

function ActionDialog({
  action,
  overview,
  onClose,
}: {
  action: Action;
  overview: Overview;
  onClose: (changed: boolean) => void;
}) {
  const { modal } = App.useApp();
  const staff = useStaff();
  const tiers = useTiers();
  const [templates, setTemplates] = useState<z.output<typeof CouponTemplateView>[]>([]);
  const id = overview.member.id;
  const keyFor = useIdempotencyKeys();
  const reasonHint = { reason: m.adjust.reasonHint };

  useEffect(() => {
    if (action !== 'issueCoupon') return;
    void callApi(routes.listCouponTemplates, { query: { limit: 100 } })
      .then((page) => setTemplates(page.items.filter((template) => template.active)))
      .catch(() => undefined);
  }, [action]);

  const reasonField = (
    <Form.Item name="reason" label={m.adjust.reason} extra={m.adjust.reasonHint} required>
      <Input.TextArea rows={2} maxLength={200} showCount />
    </Form.Item>
  );

  if (action === 'adjustPoints') {
    const hints = { points: m.adjust.pointsHint, ...reasonHint };
    return (
      <ActionForm
        title={m.actions.adjustPoints}
        hints={hints}
        onClose={onClose}
        submit={async (values, form) => {
          const body = parseForm(form, PointsAdjustmentBody, values, hints);
          if (!body) return null;
          const direction = body.points > 0 ? m.adjust.add : m.adjust.take;
          const points = formatPoints(Math.abs(body.points));
          if (!(await confirmed(modal, interpolate(m.adjust.confirm, { direction, points }), body.points < 0)))
            return null;
          const result = await callApi(routes.adjustPoints, { params: { id }, body, idempotencyKey: keyFor(body) });
          return interpolate(m.adjust.done, { balance: formatPoints(result.pointsBalance) });
        }}
      >
        <Form.Item name="points" label={m.adjust.points} extra={m.adjust.pointsHint} required>
          <InputNumber style={{ width: '100%' }} precision={0} />
        </Form.Item>
        {reasonField}
      </ActionForm>
    );
  }

  if (action === 'issueCoupon') {
    const hints = { templateId: m.coupon.templateHint, ...reasonHint };
    return (
      <ActionForm
        title={m.actions.issueCoupon}
        hints={hints}
        onClose={onClose}
        submit={async (values, form) => {
          const body = parseForm(form, IssueCouponBody, values, hints);
          if (!body || !(await confirmed(modal, m.coupon.confirm))) return null;
          await callApi(routes.issueCoupon, { params: { id }, body, idempotencyKey: keyFor(body) });
          return m.coupon.done;
        }}
      >
        <Form.Item name="templateId" label={m.coupon.template} required>
          <Select
            showSearch
            optionFilterProp="label"
            options={templates.map((template) => ({ value: template.id, label: template.name }))}
          />
        </Form.Item>
        {reasonField}
      </ActionForm>
    );
  }

  if (action === 'setTier') {
    const hints = { tierCode: t.common.requiredField, until: m.tierForm.untilHint, ...reasonHint };
    return (
      <ActionForm
        title={m.actions.setTier}
        hints={hints}
        onClose={onClose}
        initialValues={{ tierCode: overview.member.tierCode }}
        submit={async (values, form) => {
          const until = values.until as Dayjs | undefined;
          const candidate = { ...values, until: until ? until.endOf('day').format('YYYY-MM-DDTHH:mm:ssZ') : undefined };
          const body = parseForm(form, SetTierBody, candidate, hints);
          if (!body || !(await confirmed(modal, m.tierForm.confirm))) return null;
          await callApi(routes.setMemberTier, { params: { id }, body });
          return m.tierForm.done;
        }}
      >
        <Form.Item name="tierCode" label={m.tierForm.tier} required>
          <Select options={tiers.map((tier) => ({ value: tier.code, label: tier.name }))} />
        </Form.Item>
        <Form.Item name="until" label={m.tierForm.until} extra={m.tierForm.untilHint} required>
          <DatePicker style={{ width: '100%' }} disabledDate={(day) => day.isBefore(dayjs(), 'day')} />
        </Form.Item>
        {reasonField}
      </ActionForm>
    );
  }

  if (action === 'endTier') {
    return (
      <ActionForm
        title={m.actions.endTier}
        hints={reasonHint}
        onClose={onClose}
        submit={async (values, form) => {
          const body = parseForm(form, EndManualTierBody, values, reasonHint);
          if (!body) return null;
          const result = await callApi(routes.endMemberTier, { params: { id }, body });
          return interpolate(m.endTierForm.done, { tier: result.tier.name });
        }}
      >
        {reasonField}
      </ActionForm>
    );
  }

  if (action === 'editProfile') {
    const headquarters = staff.role === 'admin';
    const hints = { name: m.profileForm.nameHint, birthday: m.profileForm.birthdayHint };
    return (
      <ActionForm
        title={m.actions.editProfile}
        hints={hints}
        onClose={onClose}
        initialValues={{
          name: overview.member.name,
          birthday: overview.member.birthday ? dayjs(overview.member.birthday) : undefined,
        }}
        submit={async (values, form) => {
          const birthday = values.birthday as Dayjs | undefined;
          const change: Record<string, unknown> = {};
          if (values.name !== overview.member.name) change.name = values.name;
          const day = birthday?.format('YYYY-MM-DD');
          if (headquarters && day && day !== overview.member.birthday) change.birthday = day;
          const body = parseForm(form, AdminUpdateMemberBody, change, hints);
          if (!body) return null;
          await callApi(routes.adminMembersUpdate, { params: { id }, body });
          return m.profileForm.done;
        }}
      >
        <Form.Item name="name" label={m.name} required>
          <Input maxLength={32} />
        </Form.Item>
        <Form.Item name="birthday" label={m.birthday} extra={headquarters ? undefined : m.profileForm.managerBirthday}>
          <DatePicker
            style={{ width: '100%' }}
            disabled={!headquarters}
            disabledDate={(day) => day.isAfter(dayjs(), 'day')}
          />
        </Form.Item>
      </ActionForm>
    );
  }

  if (action === 'reissueCard') {
    return (
      <ActionForm
        title={m.actions.reissueCard}
        hints={reasonHint}
        danger
        onClose={onClose}
        submit={async (values, form) => {
          const body = parseForm(form, AdminReissueCardBody, values, reasonHint);
          if (!body || !(await confirmed(modal, m.reissue.confirm, true))) return null;
          const result = await callApi(routes.adminMemberCardReissue, { params: { id }, body });
          return interpolate(m.reissue.done, { cardNo: result.cardNo });
        }}
      >
        <Alert type="warning" showIcon message={m.reissue.confirm} style={{ marginBottom: 16 }} />
        {reasonField}
      </ActionForm>
    );
  }

  const hints = { confirm: m.closeForm.confirmHint, ...reasonHint };
  return (
    <ActionForm
      title={m.actions.close}
      hints={hints}
      danger
      onClose={onClose}
      submit={async (values, form) => {
        const body = parseForm(form, AdminCloseMemberBody, { ...values, confirm: values.confirm === true }, hints);
        if (!body) return null;
        await callApi(routes.adminMemberClose, { params: { id }, body });
        return m.closeForm.done;
      }}
    >
      <Alert type="error" showIcon message={m.closeForm.warning} style={{ marginBottom: 16 }} />
      {reasonField}
      <Form.Item name="confirm" valuePropName="checked">
        <Checkbox>{m.closeForm.confirm}</Checkbox>
      </Form.Item>
    </ActionForm>
  );
}

function Lists({ overview, reloadKey }: { overview: Overview; reloadKey: number }) {
  const staff = useStaff();
  const id = overview.member.id;
  const entries = useCallback(
    (cursor: string | undefined) =>
      callApi(routes.adminMemberPointEntries, { params: { id }, query: { limit: 20, cursor } }),
    [id],
  );
  const purchases = useCallback(
    (cursor: string | undefined) =>
      callApi(routes.adminMemberPurchases, { params: { id }, query: { limit: 20, cursor } }),
    [id],
  );
  const coupons = useCallback(
    (cursor: string | undefined) =>
      callApi(routes.adminMemberCoupons, { params: { id }, query: { limit: 20, cursor } }),
    [id],
  );
  const redemptions = useCallback(
    (cursor: string | undefined) =>
      callApi(routes.adminMemberRedemptions, { params: { id }, query: { limit: 20, cursor } }),
    [id],
  );
  const signups = useCallback(
    (cursor: string | undefined) =>
      callApi(routes.adminMemberActivitySignups, { params: { id }, query: { limit: 20, cursor } }),
    [id],
  );
  const cardEvents = useCallback(
    (cursor: string | undefined) =>
      callApi(routes.adminAuditLog, {
        query: { targetKind: 'member', targetId: id, action: 'member.card_reissue', limit: 20, cursor },
      }),
    [id],
  );
  const audit = useCallback(
    (cursor: string | undefined) =>
      callApi(routes.adminAuditLog, { query: { targetKind: 'member', targetId: id, limit: 20, cursor } }),
    [id],
  );

  const tierHistory = useCallback(
    () => Promise.resolve({ items: overview.tier.history, nextCursor: null }),
    [overview.tier.history],
  );

  const entryColumns: TableColumnsType<z.output<typeof PointEntry>> = [
    { title: m.time, dataIndex: 'createdAt', render: formatTime, width: 180 },
    {
      title: m.reference,
      dataIndex: 'kind',
      render: (kind: string, entry) => (
        <Space size={4}>
          <Tag>{m.entryKinds[kind] ?? kind}</Tag>
          {entry.pending && <Tag color="orange">{m.pending}</Tag>}
        </Space>
      ),
    },
    {
      title: m.change,
      dataIndex: 'points',
      align: 'right',
      render: (points: number) => (
        <Typography.Text type={points < 0 ? 'danger' : 'success'}>
          {points > 0 ? '+' : ''}
          {formatPoints(points)}
        </Typography.Text>
      ),
    },
    { title: m.balanceAfter, dataIndex: 'balanceAfter', align: 'right', render: formatPoints },
    { title: m.expiresAt, dataIndex: 'expiresAt', render: (value?: string) => (value ? formatTime(value) : '—') },
  ];
  const purchaseColumns: TableColumnsType<z.output<typeof PurchaseView>> = [
    { title: m.time, dataIndex: 'createdAt', render: formatTime, width: 180 },
    { title: m.receiptNo, dataIndex: 'receiptNo' },
    { title: m.storeName, dataIndex: 'storeName' },
    { title: m.paid, key: 'paid', align: 'right', render: (_, p) => formatFen(p.totals.payableFen) },
    { title: m.earned, dataIndex: 'pointsEarned', align: 'right', render: formatPoints },
    { title: m.spent, dataIndex: 'pointsSpent', align: 'right', render: formatPoints },
    {
      title: t.common.status,
      dataIndex: 'status',
      render: (status: string, p) => (
        <Space size={4}>
          <Tag color={status === 'completed' ? 'success' : 'warning'}>{m.purchaseStatus[status] ?? status}</Tag>
          {p.refundedFen > 0 && <span>{`${m.refunded} ${formatFen(p.refundedFen)}`}</span>}
        </Space>
      ),
    },
  ];
  const couponColumns: TableColumnsType<z.output<typeof CouponView>> = [
    { title: m.couponName, dataIndex: 'name' },
    { title: m.validTo, dataIndex: 'validTo', render: formatTime },
    {
      title: t.common.status,
      dataIndex: 'status',
      render: (status: string) => (
        <Tag color={status === 'available' ? 'success' : undefined}>{m.couponStatus[status] ?? status}</Tag>
      ),
    },
    { title: m.time, dataIndex: 'issuedAt', render: formatTime },
  ];
  const redemptionColumns: TableColumnsType<z.output<typeof RedemptionView>> = [
    { title: m.time, dataIndex: 'createdAt', render: formatTime, width: 180 },
    { title: m.gift, dataIndex: 'giftName' },
    { title: m.quantity, dataIndex: 'quantity', align: 'right' },
    { title: m.pointsSpent, dataIndex: 'pointsSpent', align: 'right', render: formatPoints },
    {
      title: t.common.status,
      dataIndex: 'status',
      render: (status: string) => <Tag>{m.redemptionStatus[status] ?? status}</Tag>,
    },
  ];
  const auditColumns: TableColumnsType<z.output<typeof AuditLogEntryView>> = [
    { title: m.time, dataIndex: 'createdAt', render: formatTime, width: 180 },
    { title: t.audit.action, dataIndex: 'action', render: (action: string) => <Tag color="geekblue">{action}</Tag> },
    {
      title: t.audit.actor,
      dataIndex: 'actor',
      render: (actor: z.output<typeof AuditLogEntryView>['actor']) =>
        actor ? `${t.audit[actor.kind]}${actor.id ? ` ${actor.id}` : ''}` : t.audit.anonymous,
    },
    {
      title: t.audit.after,
      dataIndex: 'after',
      render: (after: unknown) => (
        <Typography.Text code style={{ fontSize: 12 }}>
          {after === null || after === undefined ? '—' : JSON.stringify(after)}
        </Typography.Text>
      ),
    },
  ];
  const signupColumns: TableColumnsType<z.output<typeof MemberActivitySignupView>> = [
    { title: m.time, dataIndex: 'createdAt', render: formatTime, width: 180 },
    { title: m.activityName, dataIndex: 'activityName' },
    { title: m.activityStarts, dataIndex: 'startsAt', render: formatTime },
    { title: m.pointsSpent, dataIndex: 'pointsFee', align: 'right', render: formatPoints },
    {
      title: t.common.status,
      dataIndex: 'status',
      render: (status: string) => (
        <Tag color={status === 'active' ? 'success' : undefined}>{t.activities.statuses[status] ?? status}</Tag>
      ),
    },
  ];
  const cardColumns: TableColumnsType<z.output<typeof AuditLogEntryView>> = [
    { title: m.time, dataIndex: 'createdAt', render: formatTime, width: 180 },
    { title: m.cardEvent, dataIndex: 'action', render: (action: string) => m.cardEvents[action] ?? action },
    {
      title: m.oldCardNo,
      dataIndex: 'before',
      render: (before: unknown) => (before as { cardNo?: string } | null)?.cardNo ?? '—',
    },
    {
      title: m.newCardNo,
      dataIndex: 'after',
      render: (after: unknown) => (after as { cardNo?: string } | null)?.cardNo ?? '—',
    },
    {
      title: m.reason,
      dataIndex: 'after',
      key: 'reason',
      render: (after: unknown) => (after as { reason?: string } | null)?.reason ?? '—',
    },
  ];
  const tierColumns: TableColumnsType<Overview['tier']['history'][number]> = [
    { title: m.time, dataIndex: 'at', render: formatTime, width: 180 },
    { title: m.from, dataIndex: 'from' },
    { title: m.to, dataIndex: 'to' },
    { title: m.reason, dataIndex: 'reason', render: (reason: string) => m.tierReasons[reason] ?? reason },
  ];

  const items = [
    {
      key: 'entries',
      label: m.tabs.entries,
      children: (
        <MoreList load={entries} columns={entryColumns} rowKey="id" reloadKey={reloadKey} testId="member-entries" />
      ),
    },
    {
      key: 'purchases',
      label: m.tabs.purchases,
      children: <MoreList load={purchases} columns={purchaseColumns} rowKey="id" reloadKey={reloadKey} />,
    },
    {
      key: 'coupons',
      label: m.tabs.coupons,
      children: <MoreList load={coupons} columns={couponColumns} rowKey="id" reloadKey={reloadKey} />,
    },
    {
      key: 'redemptions',
      label: m.tabs.redemptions,
      children: <MoreList load={redemptions} columns={redemptionColumns} rowKey="id" reloadKey={reloadKey} />,
    },
    {
      key: 'activities',
      label: m.tabs.activities,
      children: <MoreList load={signups} columns={signupColumns} rowKey="id" reloadKey={reloadKey} />,
    },
    {
      key: 'tiers',
      label: m.tabs.tierHistory,
      children: <MoreList load={tierHistory} columns={tierColumns} rowKey="at" reloadKey={reloadKey} />,
    },
    ...(may(routes.adminAuditLog, staff.role)
      ? [
          {
            key: 'card',
            label: m.tabs.card,
            children: <MoreList load={cardEvents} columns={cardColumns} rowKey="id" reloadKey={reloadKey} />,
          },
          {
            key: 'audit',
            label: m.tabs.audit,
            children: <MoreList load={audit} columns={auditColumns} rowKey="id" reloadKey={reloadKey} />,
          },
        ]
      : []),
  ];
  return (
    <Card style={{ marginTop: 16 }}>
      <Tabs items={items} destroyInactiveTabPane />
    </Card>
  );
}

/** 会员详情: the member's profile, card, tier and points, headquarters' actions, and every list. */
export function MemberPage() {
  const { id = '' } = useParams();
  const staff = useStaff();
  const tiers = useTiers();
  const { modal, message } = App.useApp();
  const { overview, error, version, reload } = useOverview(id);
  const [action, setAction] = useState<Action | null>(null);

  if (error) {
    const missing = isApiError(error) && (error.code === 'MEMBER_NOT_FOUND' || error.code === 'FORBIDDEN');
    return (
      <Result
        status={missing ? '404' : 'error'}
        title={missing ? m.notFound : t.common.loadFailed}
        subTitle={missing ? undefined : errorText(error)}
        extra={
          <Space>
            {!missing && <Button onClick={reload}>{t.common.retry}</Button>}
            <Link to="/members">{m.backToList}</Link>
          </Space>
        }
      />
    );
  }
  if (!overview) return <Skeleton active paragraph={{ rows: 8 }} />;

  const { member, account, join, tier, referral } = overview;
  const active = member.status === 'active';
  const tierName =
    account?.tier.name ?? tiers.find((candidate) => candidate.code === member.tierCode)?.name ?? member.tierCode;
  const actions = (
    ['adjustPoints', 'issueCoupon', 'setTier', 'endTier', 'editProfile', 'reissueCard', 'close'] as const
  ).filter(
    (candidate) =>
      active && may(ACTION_ROUTES[candidate], staff.role) && (candidate !== 'endTier' || tier.manualUntil !== null),
  );
  const endSessions = async () => {
    if (!(await confirmed(modal, m.endSessions.confirm, true))) return;
    try {
      const result = await callApi(routes.adminMemberSessionsEnd, { params: { id } });
      void message.success(interpolate(m.endSessions.done, { count: result.ended }));
      reload();
    } catch (failure) {
      void message.error(errorText(failure));
    }
  };

  return (
    <>
      <Card
        title={
          <Space size="middle">
            <Typography.Title level={4} style={{ margin: 0 }} data-testid="member-name">
              {member.name}
            </Typography.Title>
            <TierTag code={member.tierCode} name={tierName} tiers={tiers} />
            <Tag color={active ? 'success' : 'default'}>{m.status[member.status]}</Tag>
          </Space>
        }
        extra={
          <Space wrap>
            {actions.map((candidate) => (
              <Button
                key={candidate}
                danger={candidate === 'close' || candidate === 'reissueCard'}
                type={candidate === 'adjustPoints' ? 'primary' : 'default'}
                onClick={() => setAction(candidate)}
              >
                {m.actions[candidate]}
              </Button>
            ))}
            {active && may(ACTION_ROUTES.endSessions, staff.role) && (
              <Button onClick={() => void endSessions()}>{m.actions.endSessions}</Button>
            )}
          </Space>
        }
      >
        <Descriptions column={{ xxl: 4, xl: 3, lg: 3, md: 2, sm: 1 }} size="middle">
          <Descriptions.Item label={m.cardNo}>
            <Typography.Text copyable>{member.cardNo}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={m.phone}>{member.phoneMasked ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={m.birthday}>{member.birthday ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={m.points}>
            <Typography.Text strong data-testid="member-points">
              {account ? formatPoints(account.points.balance) : '—'}
            </Typography.Text>
            {account && account.points.pending > 0 && (
              <Typography.Text type="secondary">{`（${m.pending} ${formatPoints(account.points.pending)}）`}</Typography.Text>
            )}
          </Descriptions.Item>
          <Descriptions.Item label={m.balance}>{account ? formatFen(account.balanceFen) : '—'}</Descriptions.Item>
          <Descriptions.Item label={m.cardValidUntil}>
            {account ? (account.cardValidUntil ? formatTime(account.cardValidUntil) : m.never) : '—'}
          </Descriptions.Item>
          <Descriptions.Item label={m.tierSince}>{formatTime(tier.since)}</Descriptions.Item>
          {tier.manualUntil && (
            <Descriptions.Item label={m.manualUntil}>{formatTime(tier.manualUntil)}</Descriptions.Item>
          )}
          {account?.nextTier && (
            <Descriptions.Item label={m.nextTierLabel}>
              {interpolate(m.nextTier, {
                name: account.nextTier.name,
                amount: formatFen(account.nextTier.spendNeededFen),
              })}
            </Descriptions.Item>
          )}
          <Descriptions.Item label={m.joinedAt}>{formatTime(join?.joinedAt ?? member.createdAt)}</Descriptions.Item>
          <Descriptions.Item label={m.store}>{join?.storeName ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={m.channel}>
            {join ? (m.channels[join.channel] ?? join.channel) : '—'}
            {join?.sceneKind && ` · ${m.sceneKinds[join.sceneKind] ?? join.sceneKind} ${join.scene ?? ''}`}
          </Descriptions.Item>
          <Descriptions.Item label={m.referral}>
            {referral.invitedBy && interpolate(m.invitedBy, { state: m.referralStates[referral.invitedBy] ?? '' })}
            {referral.invitedBy && '；'}
            {interpolate(m.invitedCounts, { granted: referral.invited.granted, pending: referral.invited.pending })}
          </Descriptions.Item>
          <Descriptions.Item label={m.expiring}>
            {account && account.points.expiring.length > 0
              ? account.points.expiring
                  .map((lot) =>
                    interpolate(m.expiringItem, {
                      points: formatPoints(lot.points),
                      date: dayjs(lot.expiresAt).format('YYYY-MM-DD'),
                    }),
                  )
                  .join('；')
              : m.noExpiring}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Lists overview={overview} reloadKey={version} />
      {action && (
        <ActionDialog
          action={action}
          overview={overview}
          onClose={(changed) => {
            setAction(null);
            if (changed) reload();
          }}
        />
      )}
    </>
  );
}
