import type { ActionType, ProColumns } from '@ant-design/pro-components';
import { CampaignBody, CampaignPatch, formatFen, formatPoints, routes, type CampaignView } from '@huika/shared';
import { App, DatePicker, Form, Input, InputNumber, Popconfirm, Progress, Select, Space, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useRef, useState } from 'react';
import type { z } from 'zod';
import { callApi } from '../api/client';
import { CursorTable } from '../components/CursorTable';
import { createToolbar, FormModal, closeAndReload } from '../components/actions';
import { errorText, parseForm, placeServerError, type FieldHints } from '../components/forms';
import { formatTime } from '../components/format';
import { interpolate, t } from '../i18n/zh-CN';
import { useTiers } from './MembersPage';
import { useStores } from './StoresPage';

type Campaign = z.output<typeof CampaignView>;
type Kind = Campaign['kind'];

const c = t.campaigns;
const HINTS: FieldHints = {
  name: c.nameHint,
  discountPercent: c.discountPercentHint,
  pointsMultiplier: c.pointsMultiplierHint,
  startsAt: c.periodHint,
  endsAt: c.periodHint,
  budgetCap: t.common.invalid,
};
const DAYS = Array.from({ length: 31 }, (_, i) => ({ value: i + 1, label: `${i + 1} 日` }));
const iso = (value: Dayjs | undefined) => value?.format('YYYY-MM-DDTHH:mm:ssZ');

/** A discount budget is money (fen, typed in yuan); a points budget is points. */
const budgetText = (kind: Kind, amount: number) => (kind === 'discount' ? formatFen(amount) : formatPoints(amount));

export function campaignStatus(campaign: Campaign, now: number): keyof typeof c.status {
  if (!campaign.active) return 'paused';
  if (now >= Date.parse(campaign.endsAt)) return 'ended';
  if (now < Date.parse(campaign.startsAt)) return 'scheduled';
  if (campaign.budgetCap !== null && campaign.budgetUsed >= campaign.budgetCap) return 'exhausted';
  return 'running';
}

const STATUS_COLOR: Record<string, string | undefined> = {
  running: 'success',
  scheduled: 'processing',
  exhausted: 'warning',
  paused: 'default',
  ended: undefined,
};

function CampaignForm({ onClose }: { onClose: (saved: boolean) => void }) {
  const [form] = Form.useForm();
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const { message } = App.useApp();
  const tiers = useTiers();
  const stores = useStores();
  const kind = (Form.useWatch('kind', form) as Kind | undefined) ?? 'discount';

  const submit = async () => {
    setFailure(null);
    const values = form.getFieldsValue() as Record<string, unknown>;
    const period = values.period as [Dayjs, Dayjs] | undefined;
    const list = (value: unknown) => (Array.isArray(value) && value.length > 0 ? value : undefined);
    const budget = values.budgetCap as number | undefined;
    // The schema names startsAt and endsAt; the form has them as one range field.
    if (!period) {
      form.setFields([{ name: 'period', errors: [c.periodHint] }]);
      return;
    }
    const body = parseForm(
      form,
      CampaignBody,
      {
        name: values.name,
        kind,
        ...(kind === 'discount'
          ? { discountPercent: values.discountPercent }
          : { pointsMultiplier: values.pointsMultiplier }),
        startsAt: iso(period?.[0]),
        endsAt: iso(period?.[1]),
        daysOfMonth: list(values.daysOfMonth),
        tiers: list(values.tiers),
        storeIds: list(values.storeIds),
        budgetCap:
          budget === undefined || budget === null ? undefined : kind === 'discount' ? Math.round(budget * 100) : budget,
      },
      { ...HINTS, startsAt: c.periodHint },
    );
    if (!body) return;
    setSaving(true);
    try {
      await callApi(routes.createCampaign, { body });
      void message.success(t.common.saved);
      onClose(true);
    } catch (error) {
      setFailure(placeServerError(form, error, HINTS));
    } finally {
      setSaving(false);
    }
  };

  return (
    <FormModal
      title={c.create}
      saving={saving}
      failure={failure}
      width={640}
      onSave={() => void submit()}
      onCancel={() => onClose(false)}
    >
      <Form
        form={form}
        name="campaign"
        layout="vertical"
        initialValues={{ kind: 'discount', discountPercent: 85, pointsMultiplier: 2 }}
      >
        <Form.Item name="name" label={c.name} required>
          <Input maxLength={64} />
        </Form.Item>
        <Space size="large" style={{ display: 'flex' }}>
          <Form.Item name="kind" label={c.kind}>
            <Select
              style={{ width: 160 }}
              options={Object.entries(c.kinds).map(([value, label]) => ({ value, label }))}
            />
          </Form.Item>
          {kind === 'discount' ? (
            <Form.Item name="discountPercent" label={c.discountPercent} required>
              <InputNumber min={1} max={99} precision={0} style={{ width: 200 }} />
            </Form.Item>
          ) : (
            <Form.Item name="pointsMultiplier" label={c.pointsMultiplier} required>
              <InputNumber min={1.1} max={20} step={0.5} precision={2} style={{ width: 200 }} />
            </Form.Item>
          )}
        </Space>
        <Form.Item name="period" label={c.period} required>
          <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
        </Form.Item>
        <Form.Item name="daysOfMonth" label={c.daysOfMonth}>
          <Select mode="multiple" options={DAYS} />
        </Form.Item>
        <Form.Item name="tiers" label={c.tiers}>
          <Select mode="multiple" options={tiers.map((tier) => ({ value: tier.code, label: tier.name }))} />
        </Form.Item>
        <Form.Item name="storeIds" label={c.stores}>
          <Select
            mode="multiple"
            optionFilterProp="label"
            options={stores.map((store) => ({ value: store.id, label: store.name }))}
          />
        </Form.Item>
        <Form.Item
          name="budgetCap"
          label={c.budgetCap}
          extra={kind === 'discount' ? c.budgetCapHintDiscount : c.budgetCapHintPoints}
        >
          <InputNumber
            min={kind === 'discount' ? 0.01 : 1}
            precision={kind === 'discount' ? 2 : 0}
            style={{ width: 200 }}
          />
        </Form.Item>
      </Form>
    </FormModal>
  );
}

function BudgetForm({ campaign, onClose }: { campaign: Campaign; onClose: (saved: boolean) => void }) {
  const [form] = Form.useForm();
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const discount = campaign.kind === 'discount';
  const submit = async () => {
    const value = form.getFieldValue('budgetCap') as number | undefined;
    const body = parseForm(
      form,
      CampaignPatch,
      { budgetCap: value === undefined ? undefined : discount ? Math.round(value * 100) : value },
      { budgetCap: t.common.invalid },
    );
    if (!body) return;
    setSaving(true);
    try {
      await callApi(routes.updateCampaign, { params: { id: campaign.id }, body });
      onClose(true);
    } catch (error) {
      setFailure(placeServerError(form, error, { budgetCap: t.common.invalid }));
    } finally {
      setSaving(false);
    }
  };
  const cap = campaign.budgetCap;
  return (
    <FormModal
      title={interpolate(c.budgetTitle, { name: campaign.name })}
      saving={saving}
      failure={failure}
      onSave={() => void submit()}
      onCancel={() => onClose(false)}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ budgetCap: cap === null ? undefined : discount ? cap / 100 : cap }}
      >
        <Form.Item
          name="budgetCap"
          label={c.budgetCap}
          extra={discount ? c.budgetCapHintDiscount : c.budgetCapHintPoints}
        >
          <InputNumber min={discount ? 0.01 : 1} precision={discount ? 2 : 0} style={{ width: 200 }} />
        </Form.Item>
        <Form.Item label={c.budgetUsed}>{budgetText(campaign.kind, campaign.budgetUsed)}</Form.Item>
      </Form>
    </FormModal>
  );
}

/** 营销活动: member-day style discounts and multi-point campaigns, with their window, audience and budget use. */
export function CampaignsPage() {
  const ref = useRef<ActionType>();
  const { message } = App.useApp();
  const tiers = useTiers();
  const stores = useStores();
  const [creating, setCreating] = useState(false);
  const [budgeting, setBudgeting] = useState<Campaign | null>(null);
  const now = dayjs().valueOf();

  const patch = async (campaign: Campaign, body: z.input<typeof CampaignPatch>) => {
    try {
      await callApi(routes.updateCampaign, { params: { id: campaign.id }, body });
      void message.success(t.common.saved);
      ref.current?.reload();
    } catch (error) {
      void message.error(errorText(error));
    }
  };

  const columns: ProColumns<Campaign>[] = [
    { title: c.name, dataIndex: 'name' },
    {
      title: c.kind,
      dataIndex: 'kind',
      render: (_, campaign) =>
        campaign.kind === 'discount' ? (
          <Tag color="volcano">{`${c.kinds.discount} ${campaign.discountPercent ?? ''}%`}</Tag>
        ) : (
          <Tag color="geekblue">{`${c.kinds.doublePoints} ×${campaign.pointsMultiplier ?? ''}`}</Tag>
        ),
    },
    {
      title: c.period,
      dataIndex: 'startsAt',
      render: (_, campaign) => `${formatTime(campaign.startsAt)} – ${formatTime(campaign.endsAt)}`,
    },
    {
      title: c.daysOfMonth,
      dataIndex: 'daysOfMonth',
      renderText: (days: number[] | null) => (days ? days.join('、') : c.everyDay),
    },
    {
      title: c.tiers,
      dataIndex: 'tiers',
      renderText: (codes: string[] | null) =>
        codes ? codes.map((code) => tiers.find((tier) => tier.code === code)?.name ?? code).join('、') : c.allTiers,
    },
    {
      title: c.stores,
      dataIndex: 'storeIds',
      renderText: (ids: string[] | null) =>
        ids ? ids.map((id) => stores.find((store) => store.id === id)?.name ?? id).join('、') : c.allStores,
    },
    {
      title: c.budgetUsed,
      dataIndex: 'budgetUsed',
      width: 200,
      render: (_, campaign) =>
        campaign.budgetCap === null ? (
          <span>{`${interpolate(c.used, { used: budgetText(campaign.kind, campaign.budgetUsed) })} · ${c.unlimited}`}</span>
        ) : (
          <Space direction="vertical" size={0} style={{ width: '100%' }} data-testid={`budget-${campaign.id}`}>
            <span>
              {interpolate(c.usedOf, {
                used: budgetText(campaign.kind, campaign.budgetUsed),
                cap: budgetText(campaign.kind, campaign.budgetCap),
              })}
            </span>
            <Progress
              size="small"
              aria-label={c.budgetUsed}
              percent={Math.min(100, Math.round((campaign.budgetUsed / campaign.budgetCap) * 100))}
              status={campaign.budgetUsed >= campaign.budgetCap ? 'exception' : 'active'}
            />
          </Space>
        ),
    },
    {
      title: t.common.status,
      dataIndex: 'active',
      render: (_, campaign) => {
        const status = campaignStatus(campaign, now);
        return <Tag color={STATUS_COLOR[status]}>{c.status[status]}</Tag>;
      },
    },
    {
      title: t.common.actions,
      valueType: 'option',
      render: (_, campaign) => {
        const ended = now >= Date.parse(campaign.endsAt);
        return (
          <Space>
            {!ended && (
              <Popconfirm
                title={campaign.active ? c.confirmPause : c.confirmResume}
                okText={t.common.yes}
                cancelText={t.common.no}
                onConfirm={() => patch(campaign, { active: !campaign.active })}
              >
                <a>{campaign.active ? c.pause : c.resume}</a>
              </Popconfirm>
            )}
            {!ended && <a onClick={() => setBudgeting(campaign)}>{c.editBudget}</a>}
            {!ended && (
              <Popconfirm
                title={c.confirmEnd}
                okText={t.common.yes}
                cancelText={t.common.no}
                onConfirm={() => patch(campaign, { endsAt: dayjs().format('YYYY-MM-DDTHH:mm:ssZ') })}
              >
                <a>{c.endNow}</a>
              </Popconfirm>
            )}
          </Space>
        );
      },
    },
  ];

  return (
    <>
      <CursorTable<Campaign>
        actionRef={ref}
        rowKey="id"
        columns={columns}
        load={async () => ({ ...(await callApi(routes.listCampaigns)), nextCursor: null })}
        toolBarRender={createToolbar(c.create, () => setCreating(true))}
      />
      {creating && (
        <CampaignForm
          onClose={(saved) => {
            setCreating(false);
            if (saved) ref.current?.reload();
          }}
        />
      )}
      {budgeting && <BudgetForm campaign={budgeting} onClose={closeAndReload(setBudgeting, ref)} />}
    </>
  );
}
