import { Text, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { type BodyOf, formatFen, formatPoints, type ResponseOf, routes } from '@huika/shared';
import { useState } from 'react';
import { interpolate, tStaff } from '../../../i18n';
import { staffCall } from '../../../staff/api';
import { AmountList, type AmountRow } from '../../../staff/components/amount-list';
import { Field } from '../../../staff/components/field';
import { StaffShell } from '../../../staff/components/staff-shell';
import { ErrorNotice, StatePanel } from '../../../staff/components/state-panel';
import { type ShownError, toShownError } from '../../../staff/errors';
import { formatDateTime } from '../../../staff/format';
import { isDefiniteAnswer, useAttempt } from '../../../staff/idempotency';
import './index.scss';

const f = tStaff.refunds;

type Purchase = ResponseOf<typeof routes.storePurchase>;
type Refund = ResponseOf<typeof routes.refund>;
type RefundBody = BodyOf<typeof routes.refund>;

type Lookup =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'found'; purchase: Purchase }
  | { kind: 'failed'; error: ShownError };

type Submit =
  | { kind: 'idle' }
  | { kind: 'sending' }
  | { kind: 'failed'; error: ShownError; retryable: boolean }
  | { kind: 'done'; refund: Refund };

function refundRows(refund: Refund): AmountRow[] {
  const rows: AmountRow[] = [{ label: f.refundFen, value: formatFen(refund.refundFen), name: 'refund' }];
  if (refund.pointsReversed !== 0)
    rows.push({ label: f.pointsReversed, value: `-${formatPoints(refund.pointsReversed)}` });
  if (refund.pointsRestored !== 0)
    rows.push({ label: f.pointsRestored, value: `+${formatPoints(refund.pointsRestored)}` });
  if (refund.balanceRestoredFen !== 0)
    rows.push({ label: f.balanceRestored, value: formatFen(refund.balanceRestoredFen) });
  if (refund.couponsRestored.length > 0) {
    rows.push({
      label: f.couponsRestored,
      value: interpolate(f.couponsRestoredCount, { count: refund.couponsRestored.length }),
    });
  }
  return rows;
}

export default function StaffRefundsPage() {
  const [receiptNo, setReceiptNo] = useState('');
  const [lookup, setLookup] = useState<Lookup>({ kind: 'idle' });
  const [chosen, setChosen] = useState<Record<number, number>>({});
  const [all, setAll] = useState(false);
  const [approvalNeeded, setApprovalNeeded] = useState(false);
  const [managerName, setManagerName] = useState('');
  const [managerPassword, setManagerPassword] = useState('');
  const [submit, setSubmit] = useState<Submit>({ kind: 'idle' });
  const { attemptFor, endAttempt } = useAttempt();

  const find = async (wanted: string = receiptNo.trim()) => {
    if (!wanted) {
      setLookup({
        kind: 'failed',
        error: { code: 'VALIDATION_FAILED', title: f.missingReceipt, message: f.missingReceipt },
      });
      return;
    }
    setLookup({ kind: 'loading' });
    setChosen({});
    setAll(false);
    setApprovalNeeded(false);
    setSubmit({ kind: 'idle' });
    try {
      const purchase = await staffCall(routes.storePurchase, { params: { receiptNo: wanted } });
      setLookup({ kind: 'found', purchase });
    } catch (error: unknown) {
      setLookup({ kind: 'failed', error: toShownError(error) });
    }
  };

  const reset = () => {
    setReceiptNo('');
    setLookup({ kind: 'idle' });
    setSubmit({ kind: 'idle' });
  };

  const purchase = lookup.kind === 'found' ? lookup.purchase : null;
  const refundable = (line: Purchase['lines'][number]) => line.quantity - line.refundedQuantity;
  const left = purchase ? purchase.lines.some((line) => refundable(line) > 0) : false;

  const choose = (index: number, quantity: number) => {
    setChosen((current) => ({ ...current, [index]: quantity }));
    if (submit.kind === 'failed') setSubmit({ kind: 'idle' });
  };

  const body = (): RefundBody | null => {
    if (!purchase) return null;
    const approval = approvalNeeded ? { approval: { username: managerName.trim(), password: managerPassword } } : {};
    if (all) return { all: true, ...approval };
    // The API refunds by sku: quantities of lines that share one are added up.
    const bySku = new Map<string, number>();
    purchase.lines.forEach((line, index) => {
      const quantity = chosen[index] ?? 0;
      if (quantity > 0) bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + quantity);
    });
    if (bySku.size === 0) return null;
    return { lines: [...bySku].map(([sku, quantity]) => ({ sku, quantity })), ...approval };
  };

  const confirm = async () => {
    if (!purchase || submit.kind === 'sending') return;
    const request = body();
    if (!request) {
      setSubmit({
        kind: 'failed',
        retryable: false,
        error: { code: 'VALIDATION_FAILED', title: f.nothingChosen, message: f.nothingChosen },
      });
      return;
    }
    if (approvalNeeded && (!managerName.trim() || !managerPassword)) {
      setSubmit({
        kind: 'failed',
        retryable: false,
        error: { code: 'VALIDATION_FAILED', title: f.approvalMissing, message: f.approvalMissing },
      });
      return;
    }
    const attempt = attemptFor({ purchaseId: purchase.id, request });
    setSubmit({ kind: 'sending' });
    try {
      const refund = await staffCall(routes.refund, {
        params: { id: purchase.id },
        body: request,
        idempotencyKey: attempt.key,
      });
      endAttempt();
      setSubmit({ kind: 'done', refund });
      setApprovalNeeded(false);
      setManagerPassword('');
    } catch (error: unknown) {
      const definite = isDefiniteAnswer(error);
      if (definite) endAttempt();
      const shown = toShownError(error);
      if (shown.code === 'MANAGER_APPROVAL_REQUIRED') setApprovalNeeded(true);
      setSubmit({ kind: 'failed', error: shown, retryable: !definite });
    }
  };

  return (
    <StaffShell active="refunds">
      <View className="refunds">
        <View className="refunds__card">
          <Text className="refunds__heading">{f.heading}</Text>
          <View className="refunds__search">
            <View className="refunds__search-field">
              <Field
                name="receipt-no"
                label={f.receiptNo}
                placeholder={f.receiptNoPlaceholder}
                value={receiptNo}
                maxlength={64}
                onChange={setReceiptNo}
                onConfirm={() => void find()}
              />
            </View>
            <Button
              className="refunds__find"
              type="primary"
              disabled={lookup.kind === 'loading'}
              onClick={() => void find()}
            >
              {f.find}
            </Button>
          </View>
        </View>

        {lookup.kind === 'idle' ? <StatePanel kind="empty" title={f.empty} /> : null}
        {lookup.kind === 'loading' ? <StatePanel kind="loading" text={f.finding} /> : null}
        {lookup.kind === 'failed' ? <ErrorNotice error={lookup.error} /> : null}

        {purchase && submit.kind === 'done' ? (
          <View className="refunds__card refunds__done">
            <Text className="refunds__done-title">{f.done}</Text>
            <AmountList rows={refundRows(submit.refund)} />
            <Button className="refunds__another" type="primary" block onClick={reset}>
              {f.another}
            </Button>
          </View>
        ) : null}

        {purchase && submit.kind !== 'done' ? (
          <View className="refunds__card refunds__purchase">
            <View className="refunds__purchase-head">
              <Text className="refunds__receipt">{purchase.receiptNo}</Text>
              <Text className={`refunds__status refunds__status--${purchase.status}`}>{f.status[purchase.status]}</Text>
            </View>
            <Text className="refunds__meta">{interpolate(f.store, { store: purchase.storeName })}</Text>
            <Text className="refunds__meta">
              {interpolate(f.createdAt, { time: formatDateTime(purchase.createdAt) })}
            </Text>
            <View className="refunds__figures">
              <Text className="refunds__figure">
                {interpolate(f.paid, { amount: formatFen(purchase.totals.payableFen) })}
              </Text>
              <Text className="refunds__figure">
                {interpolate(f.refunded, { amount: formatFen(purchase.refundedFen) })}
              </Text>
              <Text className="refunds__figure">
                {interpolate(f.pointsEarned, { points: formatPoints(purchase.pointsEarned) })}
              </Text>
            </View>

            {left ? (
              <>
                <View className="refunds__all" onClick={() => setAll((value) => !value)}>
                  <View className={`refunds__check ${all ? 'refunds__check--on' : ''}`} />
                  <View className="refunds__all-text">
                    <Text className="refunds__all-title">{f.all}</Text>
                    <Text className="refunds__meta">{f.allHint}</Text>
                  </View>
                </View>
                <Text className="refunds__lines-title">{f.linesTitle}</Text>
                {purchase.lines.map((line, index) => {
                  const max = refundable(line);
                  const quantity = all ? max : (chosen[index] ?? 0);
                  return (
                    <View
                      key={`${line.sku}-${index}`}
                      className={`refund-line ${max === 0 ? 'refund-line--done' : ''}`}
                    >
                      <View className="refund-line__info">
                        <Text className="refund-line__name">{line.name}</Text>
                        <Text className="refund-line__meta">
                          {line.sku} ·{' '}
                          {interpolate(f.lineSold, { quantity: line.quantity, refunded: line.refundedQuantity })}
                        </Text>
                        <Text className="refund-line__meta">
                          {interpolate(f.linePaid, { amount: formatFen(line.paidFen) })}
                        </Text>
                      </View>
                      <View className={`refund-line__stepper ${all || max === 0 ? 'refund-line__stepper--off' : ''}`}>
                        <Text
                          className="refund-line__step"
                          onClick={() => !all && quantity > 0 && choose(index, quantity - 1)}
                        >
                          −
                        </Text>
                        <Text className="refund-line__quantity">{quantity}</Text>
                        <Text
                          className="refund-line__step refund-line__plus"
                          onClick={() => !all && quantity < max && choose(index, quantity + 1)}
                        >
                          +
                        </Text>
                      </View>
                    </View>
                  );
                })}

                {approvalNeeded ? (
                  <View className="refunds__approval">
                    <Text className="refunds__approval-title">{f.approvalTitle}</Text>
                    <Text className="refunds__meta">{f.approvalLead}</Text>
                    <Field
                      name="manager-username"
                      label={f.approvalUsername}
                      value={managerName}
                      maxlength={64}
                      onChange={setManagerName}
                    />
                    <Field
                      name="manager-password"
                      label={f.approvalPassword}
                      value={managerPassword}
                      password
                      maxlength={128}
                      onChange={setManagerPassword}
                    />
                  </View>
                ) : null}

                {submit.kind === 'failed' ? <ErrorNotice error={submit.error} /> : null}

                <Button
                  className="refunds__confirm"
                  type={approvalNeeded ? 'warning' : 'primary'}
                  size="large"
                  block
                  loading={submit.kind === 'sending'}
                  disabled={submit.kind === 'sending'}
                  onClick={() => void confirm()}
                >
                  {submit.kind === 'sending' ? f.confirming : approvalNeeded ? f.approve : f.confirm}
                </Button>
              </>
            ) : (
              <Text className="refunds__nothing">{f.nothingLeft}</Text>
            )}
          </View>
        ) : null}
      </View>
    </StaffShell>
  );
}
