import type { ActionType, ProColumns } from '@ant-design/pro-components';
import {
  CreateGiftBody,
  formatPoints,
  GiftStockAdjustmentBody,
  routes,
  UpdateGiftBody,
  type GiftAdminView,
} from '@huika/shared';
import { App, DatePicker, Form, Input, InputNumber, Select, Space, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useRef, useState } from 'react';
import type { z } from 'zod';
import { callApi } from '../api/client';
import { CursorTable } from '../components/CursorTable';
import {
  ActiveToggle,
  createToolbar,
  FormModal,
  useActiveSetter,
  useIdempotencyKeys,
  type ToggleWords,
  closeAndReload,
} from '../components/actions';
import { parseForm, placeServerError, type FieldHints } from '../components/forms';
import { interpolate, t } from '../i18n/zh-CN';
import { useTiers } from './MembersPage';

type Gift = z.output<typeof GiftAdminView>;
type WindowKind = 'always' | 'lastMonthOfQuarter' | 'dateRange';

const g = t.gifts;
const HINTS: FieldHints = {
  name: g.nameHint,
  pointsPrice: g.pointsPriceHint,
  stock: g.stockHint,
  perMemberLimit: g.perMemberLimitHint,
  window: g.windowRangeHint,
  imageUrl: g.imageUrlHint,
  description: t.common.invalid,
};
const STOCK_HINTS: FieldHints = { delta: g.deltaHint, reason: g.reasonHint };
const GIFT_WORDS: ToggleWords = {
  turnOff: g.deactivate,
  turnOn: g.activate,
  confirmOff: g.confirmDeactivate,
  confirmOn: g.confirmActivate,
};

export function windowText(window: Gift['window']): string {
  if (!window) return g.windowKinds.always ?? '';
  if (window.kind === 'lastMonthOfQuarter') return g.windowKinds.lastMonthOfQuarter ?? '';
  return interpolate(g.windowText, { from: window.from, to: window.to });
}

/** The form's window fields as the contract's ExchangeWindow. */
function windowOf(kind: WindowKind | undefined, range: [Dayjs, Dayjs] | undefined): Gift['window'] | undefined {
  if (!kind || kind === 'always') return null;
  if (kind === 'lastMonthOfQuarter') return { kind };
  if (!range) return undefined;
  return { kind, from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD') };
}

function GiftForm({ gift, onClose }: { gift: Gift | 'new'; onClose: (saved: boolean) => void }) {
  const [form] = Form.useForm();
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const { message } = App.useApp();
  const tiers = useTiers();
  const creating = gift === 'new';
  const kind = Form.useWatch('windowKind', form) as WindowKind | undefined;

  const submit = async () => {
    setFailure(null);
    const values = form.getFieldsValue() as Record<string, unknown>;
    const window = windowOf(values.windowKind as WindowKind, values.windowRange as [Dayjs, Dayjs] | undefined);
    const fields = {
      name: values.name,
      pointsPrice: values.pointsPrice,
      perMemberLimit: values.perMemberLimit ?? null,
      tiers: Array.isArray(values.tiers) && values.tiers.length > 0 ? values.tiers : null,
      window,
      imageUrl: values.imageUrl ? values.imageUrl : null,
      description: values.description ? values.description : null,
    };
    const body = creating
      ? parseForm(form, CreateGiftBody, { ...fields, stock: values.stock }, HINTS)
      : parseForm(form, UpdateGiftBody, fields, HINTS);
    if (!body) return;
    setSaving(true);
    try {
      if (creating) await callApi(routes.createGift, { body: body as z.input<typeof CreateGiftBody> });
      else await callApi(routes.updateGift, { params: { id: gift.id }, body: body as z.input<typeof UpdateGiftBody> });
      void message.success(t.common.saved);
      onClose(true);
    } catch (error) {
      setFailure(placeServerError(form, error, HINTS));
    } finally {
      setSaving(false);
    }
  };

  const initial = creating
    ? { windowKind: 'always', stock: 0 }
    : {
        name: gift.name,
        pointsPrice: gift.pointsPrice,
        perMemberLimit: gift.perMemberLimit ?? undefined,
        tiers: gift.tiers ?? [],
        windowKind: gift.window?.kind ?? 'always',
        windowRange: gift.window?.kind === 'dateRange' ? [dayjs(gift.window.from), dayjs(gift.window.to)] : undefined,
        imageUrl: gift.imageUrl ?? '',
        description: gift.description ?? '',
      };

  return (
    <FormModal
      title={creating ? g.create : g.editTitle}
      saving={saving}
      failure={failure}
      width={640}
      onSave={() => void submit()}
      onCancel={() => onClose(false)}
    >
      <Form form={form} name="gift" layout="vertical" initialValues={initial}>
        <Form.Item name="name" label={g.name} required>
          <Input maxLength={64} />
        </Form.Item>
        <Space size="large" style={{ display: 'flex' }}>
          <Form.Item name="pointsPrice" label={g.pointsPrice} required>
            <InputNumber min={1} precision={0} style={{ width: 160 }} />
          </Form.Item>
          {creating && (
            <Form.Item name="stock" label={g.stock} required>
              <InputNumber min={0} precision={0} style={{ width: 160 }} />
            </Form.Item>
          )}
          <Form.Item name="perMemberLimit" label={g.perMemberLimit} extra={g.perMemberLimitHint}>
            <InputNumber min={1} precision={0} style={{ width: 160 }} placeholder={g.unlimited} />
          </Form.Item>
        </Space>
        <Form.Item name="tiers" label={g.tiers} extra={g.allTiers}>
          <Select mode="multiple" options={tiers.map((tier) => ({ value: tier.code, label: tier.name }))} />
        </Form.Item>
        <Space size="large" style={{ display: 'flex' }} align="start">
          <Form.Item name="windowKind" label={g.window}>
            <Select
              style={{ width: 200 }}
              options={Object.entries(g.windowKinds).map(([value, label]) => ({ value, label }))}
            />
          </Form.Item>
          {kind === 'dateRange' && (
            <Form.Item name="windowRange" label={g.windowRange} required>
              <DatePicker.RangePicker />
            </Form.Item>
          )}
        </Space>
        <Form.Item name="imageUrl" label={g.imageUrl}>
          <Input maxLength={512} placeholder="https://" />
        </Form.Item>
        <Form.Item name="description" label={g.description}>
          <Input.TextArea maxLength={255} rows={2} showCount />
        </Form.Item>
      </Form>
    </FormModal>
  );
}

function StockForm({ gift, onClose }: { gift: Gift; onClose: (saved: boolean) => void }) {
  const [form] = Form.useForm();
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const keyFor = useIdempotencyKeys();
  const { message } = App.useApp();

  const submit = async () => {
    setFailure(null);
    const body = parseForm(form, GiftStockAdjustmentBody, form.getFieldsValue(), STOCK_HINTS);
    if (!body) return;
    setSaving(true);
    try {
      const result = await callApi(routes.adjustGiftStock, {
        params: { id: gift.id },
        body,
        idempotencyKey: keyFor(body),
      });
      void message.success(interpolate(g.stockAdjusted, { stock: result.stock }));
      onClose(true);
    } catch (error) {
      setFailure(placeServerError(form, error, STOCK_HINTS, { OUT_OF_STOCK: ['delta', g.outOfStock] }));
    } finally {
      setSaving(false);
    }
  };

  return (
    <FormModal
      title={`${g.adjustStock} · ${gift.name}`}
      saving={saving}
      failure={failure}
      onSave={() => void submit()}
      onCancel={() => onClose(false)}
    >
      <Form form={form} name="gift-stock" layout="vertical">
        <Form.Item label={g.stock}>
          <Tag>{formatPoints(gift.stock)}</Tag>
        </Form.Item>
        <Form.Item name="delta" label={g.delta} extra={g.deltaHint} required>
          <InputNumber precision={0} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="reason" label={g.reason} extra={g.reasonHint} required>
          <Input.TextArea rows={2} maxLength={200} showCount />
        </Form.Item>
      </Form>
    </FormModal>
  );
}

/** 礼品: the catalog members spend points on, its stock (changed only by audited adjustments) and windows. */
export function GiftsPage() {
  const ref = useRef<ActionType>();
  const tiers = useTiers();
  const [editing, setEditing] = useState<Gift | 'new' | null>(null);
  const [stocking, setStocking] = useState<Gift | null>(null);
  const setActive = useActiveSetter<Gift>(ref, (gift, active) =>
    callApi(routes.updateGift, { params: { id: gift.id }, body: { active } }),
  );
  const tierName = (code: string) => tiers.find((tier) => tier.code === code)?.name ?? code;

  const columns: ProColumns<Gift>[] = [
    { title: g.name, dataIndex: 'name' },
    {
      title: g.pointsPrice,
      dataIndex: 'pointsPrice',
      align: 'right',
      renderText: (points: number) => formatPoints(points),
    },
    {
      title: g.stock,
      dataIndex: 'stock',
      align: 'right',
      render: (_, gift) => (
        <Space size={4}>
          {formatPoints(gift.stock)}
          {gift.stock === 0 ? (
            <Tag color="red">{g.soldOut}</Tag>
          ) : (
            gift.stock < 10 && <Tag color="orange">{g.lowStock}</Tag>
          )}
        </Space>
      ),
    },
    {
      title: g.perMemberLimit,
      dataIndex: 'perMemberLimit',
      renderText: (limit: number | null) => (limit === null ? g.unlimited : String(limit)),
    },
    {
      title: g.tiers,
      dataIndex: 'tiers',
      render: (_, gift) => (gift.tiers ? gift.tiers.map((code) => <Tag key={code}>{tierName(code)}</Tag>) : g.allTiers),
    },
    { title: g.window, dataIndex: 'window', render: (_, gift) => windowText(gift.window) },
    {
      title: t.common.status,
      dataIndex: 'active',
      render: (_, gift) => (gift.active ? <Tag color="success">{g.offered}</Tag> : <Tag>{g.withdrawn}</Tag>),
    },
    {
      title: t.common.actions,
      valueType: 'option',
      render: (_, gift) => (
        <Space>
          <a onClick={() => setEditing(gift)}>{t.common.edit}</a>
          <a onClick={() => setStocking(gift)}>{g.adjustStock}</a>
          <ActiveToggle active={gift.active} words={GIFT_WORDS} onToggle={(active) => setActive(gift, active)} />
        </Space>
      ),
    },
  ];

  return (
    <>
      <CursorTable<Gift>
        actionRef={ref}
        rowKey="id"
        columns={columns}
        load={(query) => callApi(routes.listGifts, { query })}
        toolBarRender={createToolbar(g.create, () => setEditing('new'))}
      />
      {editing && <GiftForm gift={editing} onClose={closeAndReload(setEditing, ref)} />}
      {stocking && <StockForm gift={stocking} onClose={closeAndReload(setStocking, ref)} />}
    </>
  );
}
