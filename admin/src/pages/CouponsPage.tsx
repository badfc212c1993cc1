import { type ActionType, type ProColumns } from '@ant-design/pro-components';
import {
  CouponBatchBody,
  CreateCouponTemplateBody,
  formatFen,
  routes,
  yuanStringToFen,
  type CouponBatchView,
  type CouponTemplateView,
} from '@huika/shared';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Empty,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Progress,
  Radio,
  Row,
  Select,
  Space,
  Switch,
  Tag,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { z } from 'zod';
import { callApi } from '../api/client';
import { CursorTable } from '../components/CursorTable';
import { ActiveToggle, createToolbar, FormModal, useActiveSetter, type ToggleWords } from '../components/actions';
import { errorText, parseForm, placeServerError, type FieldHints } from '../components/forms';
import { formatTime } from '../components/format';
import { interpolate, t } from '../i18n/zh-CN';

type Template = z.output<typeof CouponTemplateView>;
type Batch = z.output<typeof CouponBatchView>;

const ISSUING_WORDS: ToggleWords = {
  turnOff: t.coupons.pause,
  turnOn: t.coupons.resume,
  confirmOff: t.coupons.confirmPause,
  confirmOn: t.coupons.confirmResume,
};

const TEMPLATE_HINTS: FieldHints = {
  name: t.coupons.nameHint,
  kind: t.common.requiredField,
  valueFen: t.coupons.valueHint,
  percent: t.coupons.percentHint,
  maxDiscountFen: t.coupons.yuanHint,
  minSpendFen: t.coupons.yuanHint,
  sku: t.coupons.skuHint,
  validDays: t.coupons.validDaysHint,
  validFrom: t.coupons.validRangeHint,
  validTo: t.coupons.validRangeHint,
  totalQuota: t.coupons.quotaHint,
  perMemberLimit: t.coupons.perMemberHint,
};

/** What the template gives, in words: 满 100 减 20, 8折, or a voucher for one item. */
export function templateTerms(template: Template): string {
  const minSpend =
    template.minSpendFen > 0
      ? interpolate(t.coupons.minSpend, { amount: formatFen(template.minSpendFen, { compact: true }) })
      : '';
  if (template.kind === 'percentOff') {
    const cap = template.maxDiscountFen
      ? interpolate(t.coupons.cap, { amount: formatFen(template.maxDiscountFen, { compact: true }) })
      : '';
    return `${minSpend}${interpolate(t.coupons.percentOff, { percent: template.percent ?? 0 })}${cap}`;
  }
  const value = formatFen(template.valueFen ?? 0, { compact: true });
  if (template.kind === 'itemVoucher')
    return interpolate(t.coupons.itemVoucher, { amount: value, sku: template.sku ?? '' });
  return `${minSpend}${interpolate(t.coupons.cashOff, { amount: value })}`;
}

interface TemplateFormValues {
  name?: string;
  kind?: Template['kind'];
  valueFen?: string;
  percent?: number;
  maxDiscountFen?: string;
  minSpendFen?: string;
  sku?: string;
  validity?: 'days' | 'dates';
  validDays?: number;
  validRange?: [Dayjs, Dayjs];
  totalQuota?: number;
  perMemberLimit?: number;
  stackable?: boolean;
}

function TemplateForm({ onClose }: { onClose: (saved: boolean) => void }) {
  const [form] = Form.useForm<TemplateFormValues>();
  const kind = Form.useWatch('kind', form) ?? 'cashOff';
  const validity = Form.useWatch('validity', form) ?? 'days';
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const { message } = App.useApp();

  /** The form's yuan amounts as fen; a malformed amount is put on its field and the form is not sent. */
  const toFen = (
    name: 'valueFen' | 'maxDiscountFen' | 'minSpendFen',
    value: string | undefined,
  ): number | undefined | null => {
    if (value === undefined || value.trim() === '') return undefined;
    try {
      return yuanStringToFen(value);
    } catch {
      form.setFields([{ name, errors: [t.coupons.yuanHint] }]);
      return null;
    }
  };

  const submit = async () => {
    setFailure(null);
    const values = form.getFieldsValue();
    const valueFen = toFen('valueFen', values.valueFen);
    const maxDiscountFen = toFen('maxDiscountFen', values.maxDiscountFen);
    const minSpendFen = toFen('minSpendFen', values.minSpendFen);
    if (valueFen === null || maxDiscountFen === null || minSpendFen === null) return;
    const dates = validity === 'dates' ? values.validRange : undefined;
    const candidate = {
      kind: values.kind,
      name: values.name,
      ...(kind === 'percentOff' ? { percent: values.percent ?? undefined, maxDiscountFen } : { valueFen }),
      ...(kind === 'itemVoucher' && values.sku ? { sku: values.sku } : {}),
      minSpendFen,
      ...(validity === 'days'
        ? { validDays: values.validDays ?? undefined }
        : {
            validFrom: dates?.[0]?.startOf('day').format('YYYY-MM-DDTHH:mm:ssZ'),
            validTo: dates?.[1]?.endOf('day').format('YYYY-MM-DDTHH:mm:ssZ'),
          }),
      totalQuota: values.totalQuota ?? undefined,
      perMemberLimit: values.perMemberLimit ?? undefined,
      stackable: values.stackable ?? false,
    };
    const body = parseForm(form, CreateCouponTemplateBody, candidate, TEMPLATE_HINTS);
    if (!body) return;
    setSaving(true);
    try {
      await callApi(routes.createCouponTemplate, { body });
      void message.success(t.common.saved);
      onClose(true);
    } catch (error) {
      setFailure(placeServerError(form, error, TEMPLATE_HINTS));
    } finally {
      setSaving(false);
    }
  };

  return (
    <FormModal
      width={640}
      title={t.coupons.createTemplate}
      saving={saving}
      failure={failure}
      onSave={() => void submit()}
      onCancel={() => onClose(false)}
    >
      <Form
        form={form}
        name="template"
        layout="vertical"
        initialValues={{ kind: 'cashOff', validity: 'days', validDays: 30, perMemberLimit: 1, stackable: false }}
      >
        <Row gutter={16}>
          <Col span={14}>
            <Form.Item name="name" label={t.coupons.name} required>
              <Input maxLength={64} />
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item name="kind" label={t.coupons.kind} required>
              <Select
                options={(['cashOff', 'percentOff', 'itemVoucher'] as const).map((value) => ({
                  value,
                  label: t.coupons.kinds[value],
                }))}
              />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          {kind === 'percentOff' ? (
            <>
              <Col span={8}>
                <Form.Item name="percent" label={t.coupons.percent} required extra={t.coupons.percentHint}>
                  <InputNumber min={1} max={99} precision={0} addonAfter="%" style={{ width: '100%' }} />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name="maxDiscountFen" label={t.coupons.maxDiscount}>
                  <Input addonAfter="元" />
                </Form.Item>
              </Col>
            </>
          ) : (
            <Col span={8}>
              <Form.Item
                name="valueFen"
                label={kind === 'itemVoucher' ? t.coupons.voucherValue : t.coupons.value}
                required
              >
                <Input addonAfter="元" />
              </Form.Item>
            </Col>
          )}
          {kind === 'itemVoucher' ? (
            <Col span={8}>
              <Form.Item name="sku" label={t.coupons.sku} required>
                <Input maxLength={64} />
              </Form.Item>
            </Col>
          ) : (
            <Col span={8}>
              <Form.Item name="minSpendFen" label={t.coupons.minSpendLabel}>
                <Input addonAfter="元" placeholder="0" />
              </Form.Item>
            </Col>
          )}
        </Row>
        <Form.Item name="validity" label={t.coupons.validity}>
          <Radio.Group
            options={[
              { value: 'days', label: t.coupons.validDaysMode },
              { value: 'dates', label: t.coupons.validDatesMode },
            ]}
          />
        </Form.Item>
        {validity === 'days' ? (
          <Form.Item name="validDays" label={t.coupons.validDays} required>
            <InputNumber min={1} max={3650} precision={0} addonAfter="天" style={{ width: 200 }} />
          </Form.Item>
        ) : (
          <Form.Item name="validRange" label={t.coupons.validRange} required>
            <DatePicker.RangePicker />
          </Form.Item>
        )}
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item name="totalQuota" label={t.coupons.totalQuota} extra={t.coupons.quotaHint}>
              <InputNumber min={1} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="perMemberLimit" label={t.coupons.perMemberLimit} required>
              <InputNumber min={1} max={1000} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="stackable" label={t.coupons.stackable} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </FormModal>
  );
}

/** 券模板: templates with their terms, validity and how much of the quota is issued; create, pause, resume. */
export function CouponTemplatesPage() {
  const [creating, setCreating] = useState(false);
  const ref = useRef<ActionType>();
  const setActive = useActiveSetter<Template>(ref, (template, active) =>
    callApi(routes.updateCouponTemplate, { params: { id: template.id }, body: { active } }),
  );

  const columns: ProColumns<Template>[] = [
    { title: t.coupons.name, dataIndex: 'name' },
    {
      title: t.coupons.kind,
      dataIndex: 'kind',
      width: 100,
      render: (_, row) => <Tag color="volcano">{t.coupons.kinds[row.kind]}</Tag>,
    },
    { title: t.coupons.terms, dataIndex: 'valueFen', render: (_, row) => templateTerms(row) },
    {
      title: t.coupons.validity,
      dataIndex: 'validDays',
      render: (_, row) =>
        row.validDays
          ? interpolate(t.coupons.validDaysText, { days: row.validDays })
          : `${formatTime(row.validFrom).slice(0, 10)} ~ ${formatTime(row.validTo).slice(0, 10)}`,
    },
    {
      title: t.coupons.issued,
      dataIndex: 'issuedCount',
      width: 200,
      render: (_, row) =>
        row.totalQuota ? (
          <Progress
            size="small"
            percent={Math.floor((row.issuedCount * 100) / row.totalQuota)}
            format={() => `${row.issuedCount}/${row.totalQuota}`}
          />
        ) : (
          interpolate(t.coupons.issuedUnlimited, { count: row.issuedCount })
        ),
    },
    {
      title: t.common.status,
      dataIndex: 'active',
      width: 90,
      render: (_, row) => (row.active ? <Tag color="success">{t.coupons.issuing}</Tag> : <Tag>{t.coupons.paused}</Tag>),
    },
    {
      title: t.common.actions,
      valueType: 'option',
      width: 100,
      render: (_, row) => (
        <ActiveToggle active={row.active} words={ISSUING_WORDS} onToggle={(active) => setActive(row, active)} />
      ),
    },
  ];

  return (
    <>
      <CursorTable<Template>
        actionRef={ref}
        rowKey="id"
        columns={columns}
        load={(query) => callApi(routes.listCouponTemplates, { query })}
        toolBarRender={createToolbar(t.coupons.createTemplate, () => setCreating(true))}
      />
      {creating && (
        <TemplateForm
          onClose={(saved) => {
            setCreating(false);
            if (saved) ref.current?.reload();
          }}
        />
      )}
    </>
  );
}

const BATCH_HINTS: FieldHints = {
  batchId: t.coupons.batchIdHint,
  templateId: t.common.requiredField,
  memberIds: t.coupons.memberIdsHint,
  segment: t.coupons.tiersHint,
};

/** Live progress of one batch: asked again every second until it is done. */
function BatchProgress({ batchId }: { batchId: string }) {
  const [batch, setBatch] = useState<Batch | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const poll = async () => {
      try {
        const next = await callApi(routes.couponBatch, { params: { batchId } });
        if (stopped) return;
        setBatch(next);
        setFailure(null);
        if (next.state !== 'done') timer = setTimeout(() => void poll(), 1000);
      } catch (error) {
        if (!stopped) setFailure(errorText(error));
      }
    };
    void poll();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [batchId]);
  if (failure) return <Alert type="error" showIcon message={failure} />;
  if (!batch) return null;
  const handled = batch.issued + batch.skipped;
  const percent = batch.total === 0 ? 100 : Math.floor((handled * 100) / batch.total);
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="batch-progress">
      <Progress
        percent={percent}
        status={batch.state === 'done' ? 'success' : batch.state === 'interrupted' ? 'exception' : 'active'}
      />
      <Descriptions column={2} size="small" bordered>
        <Descriptions.Item label={t.coupons.batchId}>{batch.batchId}</Descriptions.Item>
        <Descriptions.Item label={t.common.status}>{t.coupons.batchStates[batch.state]}</Descriptions.Item>
        <Descriptions.Item label={t.coupons.audience}>{batch.total}</Descriptions.Item>
        <Descriptions.Item label={t.coupons.issuedCount}>{batch.issued}</Descriptions.Item>
        <Descriptions.Item label={t.coupons.skipped}>{batch.skipped}</Descriptions.Item>
        <Descriptions.Item label={t.coupons.finishedAt}>{formatTime(batch.finishedAt)}</Descriptions.Item>
      </Descriptions>
    </Space>
  );
}

/** 批量发券: issue a template to members by id or to a segment of tiers, and follow the batch's progress. */
export function CouponBatchesPage() {
  const [form] = Form.useForm<{
    batchId?: string;
    templateId?: string;
    audience?: 'segment' | 'members';
    tiers?: string;
    memberIds?: string;
  }>();
  const audience = Form.useWatch('audience', form) ?? 'segment';
  const [templates, setTemplates] = useState<Template[]>([]);
  const [params, setParams] = useSearchParams();
  const batchId = params.get('batch');
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    callApi(routes.listCouponTemplates, { query: { limit: 100 } })
      .then((page) => setTemplates(page.items.filter((item) => item.active)))
      .catch(() => undefined);
  }, []);

  const split = (text: string | undefined) => (text ?? '').split(/[\s,，]+/).filter(Boolean);

  const submit = async () => {
    setFailure(null);
    const values = form.getFieldsValue();
    const tiers = split(values.tiers);
    const candidate = {
      batchId: values.batchId,
      templateId: values.templateId,
      ...(audience === 'members' ? { memberIds: split(values.memberIds) } : { segment: tiers.length ? { tiers } : {} }),
    };
    const body = parseForm(form, CouponBatchBody, candidate, BATCH_HINTS);
    if (!body) return;
    setSaving(true);
    try {
      const batch = await callApi(routes.createCouponBatch, { body });
      setParams({ batch: batch.batchId });
    } catch (error) {
      setFailure(placeServerError(form, error, BATCH_HINTS));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Row gutter={24}>
      <Col span={12}>
        <Card title={t.coupons.newBatch}>
          {failure && <Alert type="error" showIcon message={failure} style={{ marginBottom: 16 }} />}
          <Form form={form} name="batch" layout="vertical" initialValues={{ audience: 'segment' }}>
            <Form.Item name="batchId" label={t.coupons.batchId} extra={t.coupons.batchIdHint} required>
              <Input maxLength={64} />
            </Form.Item>
            <Form.Item name="templateId" label={t.coupons.template} required>
              <Select
                showSearch
                optionFilterProp="label"
                options={templates.map((item) => ({ value: item.id, label: `${item.name} · ${templateTerms(item)}` }))}
              />
            </Form.Item>
            <Form.Item name="audience" label={t.coupons.audience}>
              <Radio.Group
                options={[
                  { value: 'segment', label: t.coupons.bySegment },
                  { value: 'members', label: t.coupons.byMembers },
                ]}
              />
            </Form.Item>
            {audience === 'segment' ? (
              <Form.Item name="tiers" label={t.coupons.tiers} extra={t.coupons.tiersHint}>
                <Input placeholder="silver, gold" />
              </Form.Item>
            ) : (
              <Form.Item name="memberIds" label={t.coupons.memberIds} extra={t.coupons.memberIdsHint} required>
                <Input.TextArea rows={4} />
              </Form.Item>
            )}
            <Popconfirm
              title={t.coupons.confirmBatch}
              onConfirm={() => void submit()}
              okText={t.common.yes}
              cancelText={t.common.no}
            >
              <Button type="primary" loading={saving}>
                {t.coupons.startBatch}
              </Button>
            </Popconfirm>
          </Form>
        </Card>
      </Col>
      <Col span={12}>
        <Card title={t.coupons.progress}>
          {batchId ? <BatchProgress batchId={batchId} /> : <Empty description={t.coupons.noBatch} />}
        </Card>
      </Col>
    </Row>
  );
}
