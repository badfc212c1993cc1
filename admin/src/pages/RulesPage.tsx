import {
  diffProgram,
  formatFen,
  formatPoints,
  ProgramConfigSchema,
  routes,
  type AdminProgramView,
  type CouponTemplateView,
  type ProgramChange,
  type ProgramConfig,
  type ProgramPreviewResponse,
  type ProgramVersionView,
} from '@huika/shared';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Modal,
  Row,
  Select,
  Skeleton,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
  type FormInstance,
  type TableColumnsType,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { z } from 'zod';
import { callApi, isApiError } from '../api/client';
import { LoadError } from '../components/LoadError';
import { MoreList } from '../components/MoreList';
import { errorText } from '../components/forms';
import { formatTime } from '../components/format';
import { interpolate, t } from '../i18n/zh-CN';

type Program = z.output<typeof AdminProgramView>;
type FieldPath = (string | number)[];

const r = t.rules;
const f = r.fields;

/** Amounts the program keeps in fen and the editor shows in yuan. */
const FEN_FIELDS: FieldPath[] = [
  ['pointsAsCash', 'minOrderFen'],
  ['refunds', 'managerApprovalAboveFen'],
];
const LADDER_FEN_FIELDS = ['singlePurchaseFen', 'windowSpendFen', 'topUpFen'] as const;

type Json = Record<string, unknown>;

function getIn(value: unknown, path: FieldPath): unknown {
  return path.reduce<unknown>((node, key) => (node as Json | undefined)?.[key as string], value);
}

function setIn(value: Json, path: FieldPath, leaf: unknown): void {
  let node: Json = value;
  for (const key of path.slice(0, -1)) node = node[key as string] as Json;
  node[path[path.length - 1] as string] = leaf;
}

const toYuan = (fen: unknown) => (typeof fen === 'number' ? fen / 100 : null);
const toFen = (yuan: unknown) => (typeof yuan === 'number' ? Math.round(yuan * 100) : null);

/** The form's values: the config, amounts in yuan, "never lapses" as a switch. */
function toForm(config: ProgramConfig): Json {
  const values = structuredClone(config) as unknown as Json;
  for (const path of FEN_FIELDS) setIn(values, path, toYuan(getIn(values, path)));
  for (const tier of (values.tiers as { ladder: Json[] }).ladder) {
    for (const key of LADDER_FEN_FIELDS) tier[key] = toYuan(tier[key]);
  }
  setIn(values, ['card', 'neverLapse'], config.card.validityMonths === null);
  return values;
}

/** The config the form describes, on top of what the form does not show (time zone, other coupon lists). */
function toConfig(values: Json, base: ProgramConfig): unknown {
  const config = structuredClone(base) as unknown as Json;
  const merge = (target: Json, source: Json) => {
    for (const [key, value] of Object.entries(source)) {
      if (value && typeof value === 'object' && !Array.isArray(value) && !dayjs.isDayjs(value)) {
        if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
        merge(target[key] as Json, value as Json);
      } else target[key] = value ?? null;
    }
  };
  merge(config, structuredClone(values));
  for (const path of FEN_FIELDS) setIn(config, path, toFen(getIn(config, path)));
  const tiers = config.tiers as { ladder: Json[] };
  tiers.ladder =
    (getIn(values, ['tiers', 'ladder']) as Json[] | undefined)?.map((tier) => {
      const copy = { ...tier };
      for (const key of LADDER_FEN_FIELDS) copy[key] = toFen(copy[key]);
      return copy;
    }) ?? [];
  const card = config.card as Json;
  if (card.neverLapse) card.validityMonths = null;
  delete card.neverLapse;
  const expiry = config.expiry as Json;
  if (expiry.kind !== 'rollingMonths') delete expiry.months;
  return config;
}

/** A zod issue in the words of the field it is on. */
function issueText(issue: z.core.$ZodIssue): string {
  if (issue.code === 'too_small') return `不能小于 ${String(issue.minimum)}`;
  if (issue.code === 'too_big') return `不能大于 ${String(issue.maximum)}`;
  if (issue.code === 'invalid_type') return t.common.requiredField;
  return t.common.invalid;
}

/** Which form field a config path is: amounts and the card's switch live under the same names. */
function formName(path: FieldPath): FieldPath {
  return path;
}

const SECTION_OF: Record<string, string> = {
  earning: r.sections.earning,
  expiry: r.sections.expiry,
  pointsAsCash: r.sections.pointsAsCash,
  memberDays: r.sections.memberDays,
  card: r.sections.card,
  tiers: r.sections.tiers,
  referral: r.sections.referral,
  coupons: r.sections.joinGift,
  refunds: r.sections.refunds,
};

const LEAF_LABEL: Record<string, string> = {
  'earning.pointsPerYuan': f.pointsPerYuan,
  'earning.stackMultipliers': f.stackMultipliers,
  'earning.perOrderCap': f.perOrderCap,
  'earning.dailyCap': f.dailyCap,
  'earning.pendingDays': f.pendingDays,
  'earning.joinGiftPoints': f.joinGiftPoints,
  'earning.referralRewardPoints': f.referralRewardPoints,
  'earning.referralHoldingDays': f.referralHoldingDays,
  'expiry.kind': f.expiryKind,
  'expiry.months': f.expiryMonths,
  'pointsAsCash.pointsPerYuan': f.cashPointsPerYuan,
  'pointsAsCash.minOrderFen': f.minOrderFen,
  'pointsAsCash.maxSharePercent': f.maxSharePercent,
  'memberDays.daysOfMonth': f.daysOfMonth,
  'memberDays.discountPercent': f.memberDayDiscount,
  'card.validityMonths': f.validityMonths,
  'card.codeStepSeconds': f.codeStepSeconds,
  'tiers.measure': f.measure,
  'tiers.windowDays': f.windowDays,
  'tiers.downgradeGraceDays': f.downgradeGraceDays,
  'referral.dailyCap': f.dailyReferralCap,
  'referral.monthlyCap': f.monthlyReferralCap,
  'coupons.joinGiftTemplateIds': f.joinGiftTemplates,
  'coupons.birthdayTemplateIds': f.birthdayTemplates,
  'refunds.managerApprovalAboveFen': f.managerApprovalAbove,
};

const LADDER_LABEL: Record<string, string> = {
  code: r.ladder.code,
  name: r.ladder.name,
  rank: r.ladder.rank,
  discountPercent: r.ladder.discountPercent,
  pointsMultiplier: r.ladder.pointsMultiplier,
  birthdayMultiplier: r.ladder.birthdayMultiplier,
  singlePurchaseFen: r.ladder.singlePurchase,
  windowSpendFen: r.ladder.windowSpend,
  pointsThreshold: r.ladder.pointsThreshold,
  topUpFen: r.ladder.topUp,
  everyDayMemberDay: r.ladder.everyDayMemberDay,
};

/** "会员日 · 每月会员日", "会员等级 · 银卡 · 折扣 %": a change named as the editor names its field. */
export function changeLabel(path: string, config: ProgramConfig): string {
  const parts = path.split('.');
  const section = SECTION_OF[parts[0] ?? ''] ?? parts[0] ?? path;
  if (parts[0] === 'tiers' && parts[1] === 'ladder' && parts[2] !== undefined) {
    const tier = config.tiers.ladder[Number(parts[2])];
    const leaf = parts[3] ? (LADDER_LABEL[parts[3]] ?? parts[3]) : '';
    return [section, tier?.name ?? `#${Number(parts[2]) + 1}`, leaf].filter(Boolean).join(' · ');
  }
  return `${section} · ${LEAF_LABEL[path] ?? parts.slice(1).join('.')}`;
}

/** Names for the ids a program holds: coupon templates (join and birthday gifts) and the staff who saved a version. */
type Names = ReadonlyMap<string, string>;
const NO_NAMES: Names = new Map();

function valueText(path: string, value: unknown, names: Names = NO_NAMES): string {
  if (value === undefined) return r.none;
  if (value === null) return r.unlimited;
  if (typeof value === 'number' && /Fen$/.test(path)) return formatFen(value);
  if (typeof value === 'boolean') return value ? t.common.yes : t.common.no;
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item !== 'object')) {
    return value.map((item) => names.get(String(item)) ?? String(item)).join('、') || r.none;
  }
  return JSON.stringify(value);
}

function DiffTable({ changes, config, names }: { changes: ProgramChange[]; config: ProgramConfig; names: Names }) {
  const columns: TableColumnsType<ProgramChange> = [
    { title: r.field, dataIndex: 'path', render: (path: string) => changeLabel(path, config) },
    {
      title: r.before,
      dataIndex: 'before',
      render: (value: unknown, change) => (
        <Typography.Text delete>{valueText(change.path, value, names)}</Typography.Text>
      ),
    },
    {
      title: r.after,
      dataIndex: 'after',
      render: (value: unknown, change) => (
        <Typography.Text strong>{valueText(change.path, value, names)}</Typography.Text>
      ),
    },
  ];
  return <Table size="small" rowKey="path" columns={columns} dataSource={changes} pagination={false} />;
}

function useProgram() {
  const [program, setProgram] = useState<Program | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setError(null);
    callApi(routes.adminProgram)
      .then(setProgram)
      .catch((failure: unknown) => setError(failure));
  }, []);
  useEffect(load, [load]);
  return { program, error, load };
}

/** Coupon template names and staff names by id (headquarters may read both). */
function useNames(templates: z.output<typeof CouponTemplateView>[]): Names {
  const [staff, setStaff] = useState<[string, string][]>([]);
  useEffect(() => {
    void callApi(routes.adminStaffList, { query: { limit: 100 } })
      .then((page) => setStaff(page.items.map((member) => [member.id, member.displayName])))
      .catch(() => undefined);
  }, []);
  return useMemo(
    () => new Map([...staff, ...templates.map((template): [string, string] => [template.id, template.name])]),
    [staff, templates],
  );
}

function useTemplates(): z.output<typeof CouponTemplateView>[] {
  const [templates, setTemplates] = useState<z.output<typeof CouponTemplateView>[]>([]);
  useEffect(() => {
    void callApi(routes.listCouponTemplates, { query: { limit: 100 } })
      .then((page) => setTemplates(page.items))
      .catch(() => undefined);
  }, []);
  return templates;
}

const DAYS = Array.from({ length: 31 }, (_, i) => ({ value: i + 1, label: `${i + 1} 日` }));

function LadderEditor() {
  return (
    <Form.List name={['tiers', 'ladder']}>
      {(fields, { add, remove }) => (
        <>
          <div className="huika-ladder" role="table">
            <div className="huika-ladder-row huika-ladder-head" role="row">
              {[
                'code',
                'name',
                'discountPercent',
                'pointsMultiplier',
                'birthdayMultiplier',
                'singlePurchaseFen',
                'windowSpendFen',
                'pointsThreshold',
                'topUpFen',
                'everyDayMemberDay',
              ].map((key) => (
                <span key={key} role="columnheader">
                  {LADDER_LABEL[key]}
                </span>
              ))}
              <span />
            </div>
            {fields.map((field, index) => (
              <div className="huika-ladder-row" role="row" key={field.key}>
                <Form.Item name={[field.name, 'code']} noStyle>
                  <Input size="small" aria-label={`${r.ladder.code} ${index + 1}`} />
                </Form.Item>
                <Form.Item name={[field.name, 'name']} noStyle>
                  <Input size="small" aria-label={`${r.ladder.name} ${index + 1}`} />
                </Form.Item>
                <Form.Item name={[field.name, 'discountPercent']} noStyle>
                  <InputNumber size="small" min={1} max={100} precision={0} style={{ width: '100%' }} />
                </Form.Item>
                <Form.Item name={[field.name, 'pointsMultiplier']} noStyle>
                  <InputNumber size="small" min={1} step={0.1} precision={2} style={{ width: '100%' }} />
                </Form.Item>
                <Form.Item name={[field.name, 'birthdayMultiplier']} noStyle>
                  <InputNumber size="small" min={1} step={0.5} precision={2} style={{ width: '100%' }} />
                </Form.Item>
                {LADDER_FEN_FIELDS.slice(0, 2).map((key) => (
                  <Form.Item key={key} name={[field.name, key]} noStyle>
                    <InputNumber size="small" min={0} precision={2} style={{ width: '100%' }} placeholder="—" />
                  </Form.Item>
                ))}
                <Form.Item name={[field.name, 'pointsThreshold']} noStyle>
                  <InputNumber size="small" min={0} precision={0} style={{ width: '100%' }} placeholder="—" />
                </Form.Item>
                <Form.Item name={[field.name, 'topUpFen']} noStyle>
                  <InputNumber size="small" min={0} precision={2} style={{ width: '100%' }} placeholder="—" />
                </Form.Item>
                <Form.Item name={[field.name, 'everyDayMemberDay']} valuePropName="checked" noStyle>
                  <Switch size="small" aria-label={`${r.ladder.everyDayMemberDay} ${index + 1}`} />
                </Form.Item>
                <Button
                  size="small"
                  type="link"
                  danger
                  disabled={fields.length <= 1}
                  onClick={() => remove(field.name)}
                >
                  {r.ladder.remove}
                </Button>
                <Form.Item name={[field.name, 'rank']} hidden>
                  <InputNumber />
                </Form.Item>
              </div>
            ))}
          </div>
          <Button
            style={{ marginTop: 12 }}
            onClick={() =>
              add({
                code: '',
                name: '',
                rank: fields.length,
                discountPercent: 100,
                pointsMultiplier: 1,
                birthdayMultiplier: 1,
                singlePurchaseFen: null,
                windowSpendFen: null,
                pointsThreshold: null,
                topUpFen: null,
                everyDayMemberDay: false,
              })
            }
          >
            {r.ladder.add}
          </Button>
          <LadderErrors />
        </>
      )}
    </Form.List>
  );
}

/** The ladder's cells are compact: their errors are listed under the table, by tier and column. */
function LadderErrors() {
  const form = Form.useFormInstance();
  const errors = form
    .getFieldsError()
    .filter((field) => field.name[0] === 'tiers' && field.name[1] === 'ladder' && field.errors.length > 0);
  if (errors.length === 0) return null;
  return (
    <Alert
      type="error"
      showIcon
      style={{ marginTop: 12 }}
      message={errors
        .map(
          (field) =>
            `#${Number(field.name[2]) + 1} ${LADDER_LABEL[String(field.name[3])] ?? ''}：${field.errors.join('，')}`,
        )
        .join('；')}
    />
  );
}

function Editor({ program, onSaved, onStale }: { program: Program; onSaved: () => void; onStale: () => void }) {
  const [form] = Form.useForm();
  const { message } = App.useApp();
  const templates = useTemplates();
  const names = useNames(templates);
  const [pending, setPending] = useState<{ config: ProgramConfig; changes: ProgramChange[] } | null>(null);
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const [, rerender] = useState(0);
  const expiryKind = Form.useWatch(['expiry', 'kind'], form) as string | undefined;
  const neverLapse = Form.useWatch(['card', 'neverLapse'], form) as boolean | undefined;
  const initial = useMemo(() => toForm(program.config), [program]);

  /** The config being edited, checked by the server's own schema; field errors set on the form. */
  const candidate = (): ProgramConfig | null => {
    form.setFields(form.getFieldsError().map((field) => ({ name: field.name, errors: [] })));
    const parsed = ProgramConfigSchema.safeParse(toConfig(form.getFieldsValue(true) as Json, program.config));
    if (parsed.success) return parsed.data;
    form.setFields(
      parsed.error.issues.map((issue) => ({ name: formName(issue.path as FieldPath), errors: [issueText(issue)] })),
    );
    setFailure(interpolate(r.invalid, { count: parsed.error.issues.length }));
    rerender((n) => n + 1);
    return null;
  };

  const review = () => {
    setFailure(null);
    const config = candidate();
    if (!config) return;
    const changes = diffProgram(program.config, config);
    if (changes.length === 0) {
      void message.info(r.noChange);
      return;
    }
    setPending({ config, changes });
  };

  const save = async () => {
    if (!pending) return;
    setSaving(true);
    try {
      const saved = await callApi(routes.adminProgramUpdate, {
        body: { config: pending.config },
        ifMatch: program.version,
      });
      void message.success(interpolate(r.saved, { version: saved.version }));
      setPending(null);
      onSaved();
    } catch (error) {
      setPending(null);
      if (isApiError(error) && error.code === 'VERSION_CONFLICT') {
        setConflict(true);
      } else if (isApiError(error) && error.code === 'VALIDATION_FAILED') {
        const raw = error.details?.fields;
        const fields = Array.isArray(raw) ? (raw as { path?: string; message?: string }[]) : [];
        form.setFields(
          fields.map((field) => ({
            name: String(field.path ?? '')
              .replace(/^body\.config\./, '')
              .split('.')
              .map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
            errors: [field.message ?? t.common.invalid],
          })),
        );
        setFailure(interpolate(r.invalid, { count: fields.length }));
      } else setFailure(errorText(error));
    } finally {
      setSaving(false);
    }
  };

  const templateOptions = templates.map((template) => ({ value: template.id, label: template.name }));
  const num = (name: FieldPath, label: string, props: Record<string, unknown> = {}) => (
    <Form.Item name={name} label={label}>
      <InputNumber style={{ width: '100%' }} precision={0} {...props} />
    </Form.Item>
  );

  return (
    <>
      {conflict && (
        <Alert
          type="warning"
          showIcon
          message={r.conflict}
          style={{ marginBottom: 16 }}
          action={
            <Button size="small" onClick={onStale}>
              {r.reload}
            </Button>
          }
        />
      )}
      {failure && <Alert type="error" showIcon message={failure} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" initialValues={initial} onValuesChange={() => failure && setFailure(null)}>
        <Row gutter={16}>
          <Col xs={24} xl={12}>
            <Card title={r.sections.earning} size="small" style={{ marginBottom: 16 }}>
              <Row gutter={12}>
                <Col span={12}>{num(['earning', 'pointsPerYuan'], f.pointsPerYuan, { min: 0 })}</Col>
                <Col span={12}>{num(['earning', 'joinGiftPoints'], f.joinGiftPoints, { min: 0 })}</Col>
                <Col span={12}>
                  {num(['earning', 'perOrderCap'], f.perOrderCap, { min: 1, placeholder: r.unlimited })}
                </Col>
                <Col span={12}>{num(['earning', 'dailyCap'], f.dailyCap, { min: 1, placeholder: r.unlimited })}</Col>
                <Col span={12}>{num(['earning', 'pendingDays'], f.pendingDays, { min: 0 })}</Col>
                <Col span={12}>
                  <Form.Item name={['earning', 'stackMultipliers']} label={f.stackMultipliers} valuePropName="checked">
                    <Switch />
                  </Form.Item>
                </Col>
              </Row>
            </Card>
            <Card title={r.sections.memberDays} size="small" style={{ marginBottom: 16 }}>
              <Row gutter={12}>
                <Col span={14}>
                  <Form.Item name={['memberDays', 'daysOfMonth']} label={f.daysOfMonth}>
                    <Select mode="multiple" options={DAYS} />
                  </Form.Item>
                </Col>
                <Col span={10}>{num(['memberDays', 'discountPercent'], f.memberDayDiscount, { min: 1, max: 100 })}</Col>
              </Row>
            </Card>
            <Card title={r.sections.expiry} size="small" style={{ marginBottom: 16 }}>
              <Row gutter={12}>
                <Col span={14}>
                  <Form.Item name={['expiry', 'kind']} label={f.expiryKind}>
                    <Select options={Object.entries(r.expiryKinds).map(([value, label]) => ({ value, label }))} />
                  </Form.Item>
                </Col>
                {expiryKind === 'rollingMonths' && (
                  <Col span={10}>{num(['expiry', 'months'], f.expiryMonths, { min: 1, max: 120 })}</Col>
                )}
              </Row>
            </Card>
            <Card title={r.sections.pointsAsCash} size="small" style={{ marginBottom: 16 }}>
              <Row gutter={12}>
                <Col span={8}>{num(['pointsAsCash', 'pointsPerYuan'], f.cashPointsPerYuan, { min: 1 })}</Col>
                <Col span={8}>{num(['pointsAsCash', 'minOrderFen'], f.minOrderFen, { min: 0, precision: 2 })}</Col>
                <Col span={8}>{num(['pointsAsCash', 'maxSharePercent'], f.maxSharePercent, { min: 1, max: 100 })}</Col>
              </Row>
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            <Card title={r.sections.card} size="small" style={{ marginBottom: 16 }}>
              <Row gutter={12}>
                <Col span={8}>
                  <Form.Item name={['card', 'neverLapse']} label={f.neverLapse} valuePropName="checked">
                    <Switch />
                  </Form.Item>
                </Col>
                <Col span={8}>
                  {num(['card', 'validityMonths'], f.validityMonths, { min: 1, disabled: neverLapse === true })}
                </Col>
                <Col span={8}>{num(['card', 'codeStepSeconds'], f.codeStepSeconds, { min: 10, max: 300 })}</Col>
              </Row>
            </Card>
            <Card title={r.sections.referral} size="small" style={{ marginBottom: 16 }}>
              <Row gutter={12}>
                <Col span={12}>{num(['earning', 'referralRewardPoints'], f.referralRewardPoints, { min: 0 })}</Col>
                <Col span={12}>{num(['earning', 'referralHoldingDays'], f.referralHoldingDays, { min: 0 })}</Col>
                <Col span={12}>{num(['referral', 'dailyCap'], f.dailyReferralCap, { min: 0 })}</Col>
                <Col span={12}>{num(['referral', 'monthlyCap'], f.monthlyReferralCap, { min: 0 })}</Col>
              </Row>
            </Card>
            <Card title={r.sections.joinGift} size="small" style={{ marginBottom: 16 }}>
              <Form.Item name={['coupons', 'joinGiftTemplateIds']} label={f.joinGiftTemplates}>
                <Select mode="multiple" options={templateOptions} optionFilterProp="label" />
              </Form.Item>
              <Form.Item name={['coupons', 'birthdayTemplateIds']} label={f.birthdayTemplates}>
                <Select mode="multiple" options={templateOptions} optionFilterProp="label" />
              </Form.Item>
            </Card>
            <Card title={r.sections.refunds} size="small" style={{ marginBottom: 16 }}>
              {num(['refunds', 'managerApprovalAboveFen'], f.managerApprovalAbove, { min: 0, precision: 2 })}
            </Card>
          </Col>
        </Row>
        <Card title={r.sections.tiers} size="small" style={{ marginBottom: 16 }}>
          <Row gutter={12}>
            <Col xs={24} md={10}>
              <Form.Item name={['tiers', 'measure']} label={f.measure}>
                <Select
                  // 单次储值 waits for stored value: the schema refuses it until then.
                  options={Object.entries(r.measures)
                    .filter(([value]) => value !== 'topUp')
                    .map(([value, label]) => ({ value, label }))}
                />
              </Form.Item>
            </Col>
            <Col xs={12} md={7}>
              {num(['tiers', 'windowDays'], f.windowDays, { min: 1 })}
            </Col>
            <Col xs={12} md={7}>
              {num(['tiers', 'downgradeGraceDays'], f.downgradeGraceDays, { min: 0 })}
            </Col>
          </Row>
          <LadderEditor />
        </Card>
        <div className="huika-sticky-actions">
          <Space>
            <Button onClick={() => form.resetFields()}>{r.reset}</Button>
            <Button type="primary" onClick={review}>
              {r.save}
            </Button>
          </Space>
        </div>
      </Form>
      <Preview form={form} base={program.config} />
      <Modal
        open={pending !== null}
        width={760}
        title={r.diffTitle}
        okText={r.confirmSave}
        cancelText={t.common.cancel}
        confirmLoading={saving}
        onOk={() => void save()}
        onCancel={() => setPending(null)}
      >
        <Typography.Paragraph type="secondary">{r.diffIntro}</Typography.Paragraph>
        {pending && <DiffTable changes={pending.changes} config={pending.config} names={names} />}
      </Modal>
    </>
  );
}

/** 试算: a basket priced and pointed under the rules being edited, before they are saved. */
function Preview({ form, base }: { form: FormInstance; base: ProgramConfig }) {
  const [basket] = Form.useForm();
  const [result, setResult] = useState<z.output<typeof ProgramPreviewResponse> | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const ladder = (Form.useWatch(['tiers', 'ladder'], form) as { code: string; name: string }[] | undefined) ?? [];
  const p = r.preview;

  const run = async () => {
    setFailure(null);
    const parsed = ProgramConfigSchema.safeParse(toConfig(form.getFieldsValue(true) as Json, base));
    if (!parsed.success) {
      setFailure(interpolate(r.invalid, { count: parsed.error.issues.length }));
      return;
    }
    const values = basket.getFieldsValue() as { amount?: number; tierCode?: string; birthday?: Dayjs; at?: Dayjs };
    try {
      setResult(
        await callApi(routes.adminProgramPreview, {
          body: {
            config: parsed.data,
            basket: {
              lines: [
                { sku: 'PREVIEW', name: '试算商品', unitPriceFen: Math.round((values.amount ?? 0) * 100), quantity: 1 },
              ],
            },
            member: {
              tierCode: values.tierCode ?? parsed.data.tiers.ladder[0]?.code ?? '',
              birthday: values.birthday?.format('YYYY-MM-DD') ?? null,
            },
            ...(values.at ? { at: values.at.format('YYYY-MM-DDTHH:mm:ssZ') } : {}),
          },
        }),
      );
    } catch (error) {
      setFailure(errorText(error));
    }
  };

  return (
    <Card title={p.title} size="small" data-testid="rules-preview">
      <Typography.Paragraph type="secondary">{p.intro}</Typography.Paragraph>
      <Form form={basket} layout="inline" initialValues={{ amount: 100 }} onFinish={() => void run()}>
        <Form.Item name="amount" label={p.amount}>
          <InputNumber min={0.01} precision={2} />
        </Form.Item>
        <Form.Item name="tierCode" label={p.tier}>
          <Select style={{ width: 140 }} options={ladder.map((tier) => ({ value: tier.code, label: tier.name }))} />
        </Form.Item>
        <Form.Item name="birthday" label={p.birthday}>
          <DatePicker />
        </Form.Item>
        <Form.Item name="at" label={p.at}>
          <DatePicker showTime />
        </Form.Item>
        <Form.Item>
          <Button htmlType="submit">{p.run}</Button>
        </Form.Item>
      </Form>
      {failure && <Alert type="error" showIcon message={failure} style={{ marginTop: 12 }} />}
      {result && (
        <Descriptions style={{ marginTop: 16 }} column={4} size="small" bordered>
          <Descriptions.Item label={p.payable}>
            <span data-testid="preview-payable">{formatFen(result.totals.payableFen)}</span>
          </Descriptions.Item>
          <Descriptions.Item label={p.discount}>
            {result.discount.source
              ? `${p.sources[result.discount.source] ?? result.discount.source} ${result.discount.percent}%`
              : p.noDiscount}
          </Descriptions.Item>
          <Descriptions.Item label={p.points}>
            <span data-testid="preview-points">{formatPoints(result.pointsEarned)}</span>
            <Typography.Text type="secondary">{` ${interpolate(p.multiplier, { value: result.multiplier })}`}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={p.memberDay}>
            <Space size={4}>
              {result.isMemberDay ? <Tag color="blue">{p.memberDay}</Tag> : '—'}
              {result.isBirthday && <Tag color="magenta">{p.birthdayToday}</Tag>}
            </Space>
          </Descriptions.Item>
        </Descriptions>
      )}
    </Card>
  );
}

function Versions({ program, names }: { program: Program; names: Names }) {
  const load = useCallback(
    (cursor: string | undefined) => callApi(routes.adminProgramVersions, { query: { limit: 20, cursor } }),
    [],
  );
  const columns: TableColumnsType<z.output<typeof ProgramVersionView>> = [
    { title: 'v', dataIndex: 'version', width: 70, render: (version: number) => <Tag>{`v${version}`}</Tag> },
    { title: t.audit.time, dataIndex: 'createdAt', width: 180, render: formatTime },
    {
      title: t.audit.actor,
      dataIndex: 'createdBy',
      width: 140,
      render: (who: string | null) => (who ? (names.get(who) ?? who) : r.system),
    },
    {
      title: r.changes,
      dataIndex: 'diff',
      render: (diff: ProgramChange[]) =>
        diff.length === 0 ? (
          '—'
        ) : (
          <ul className="huika-diff-list">
            {diff.map((change) => (
              <li key={change.path}>
                {`${changeLabel(change.path, program.config)}：${valueText(change.path, change.before, names)} → ${valueText(change.path, change.after, names)}`}
              </li>
            ))}
          </ul>
        ),
    },
  ];
  return <MoreList load={load} columns={columns} rowKey="version" reloadKey={program.version} />;
}

/** 规则: the program editor (every rule, checked by the server's schema, a diff before saving) and its history. */
export function RulesPage() {
  const { program, error, load } = useProgram();
  const names = useNames(useTemplates());
  if (error) return <LoadError error={errorText(error)} retry={load} />;
  if (!program) return <Skeleton active paragraph={{ rows: 12 }} />;
  return (
    <>
      <Typography.Paragraph type="secondary" data-testid="program-version">
        {interpolate(r.version, { version: program.version })}
        {' · '}
        {interpolate(r.updatedBy, {
          time: formatTime(program.updatedAt),
          who: program.updatedBy ? (names.get(program.updatedBy) ?? program.updatedBy) : r.system,
        })}
      </Typography.Paragraph>
      <Tabs
        items={[
          {
            key: 'editor',
            label: r.editor,
            children: <Editor key={program.version} program={program} onSaved={load} onStale={load} />,
          },
          { key: 'versions', label: r.versions, children: <Versions program={program} names={names} /> },
        ]}
      />
    </>
  );
}
