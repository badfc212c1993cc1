import { Input, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { Button } from '@nutui/nutui-react-taro';
import { formatFen, formatPoints, routes } from '@huika/shared';
import { useMemo, useState } from 'react';
import { interpolate, tStaff } from '../../../i18n';
import { staffCall } from '../../../staff/api';
import { clearScan, readScan, saveReceipt, type ScanResult } from '../../../staff/checkout-state';
import { type AmountRow, AmountList } from '../../../staff/components/amount-list';
import { MemberSummary } from '../../../staff/components/member-summary';
import { StaffShell } from '../../../staff/components/staff-shell';
import { ErrorNotice, StatePanel } from '../../../staff/components/state-panel';
import { type ShownError, toShownError } from '../../../staff/errors';
import { isDefiniteAnswer, useAttempt } from '../../../staff/idempotency';
import { STAFF_PAGES } from '../../../staff/paths';
import { readStaffSession } from '../../../staff/session';
import { buildRequest, type CheckoutMode, type DraftBasket, type DraftLine, emptyLine, MAX_QUANTITY } from './basket';
import { type Quote, type QuoteState, useQuote } from './use-quote';
import './index.scss';

const c = tStaff.checkout;

type Submit = { kind: 'idle' } | { kind: 'sending' } | { kind: 'failed'; error: ShownError; retryable: boolean };

function quoteRows(quote: Quote): AmountRow[] {
  const { totals } = quote;
  const rows: AmountRow[] = [{ label: c.gross, value: formatFen(totals.grossFen), name: 'gross' }];
  if (totals.discountFen > 0) {
    const source = quote.discount.source ? c.discountSource[quote.discount.source] : c.discount;
    rows.push({ label: `${c.discount} · ${source}`, value: `-${formatFen(totals.discountFen)}`, minus: true });
  }
  if (totals.couponFen > 0) rows.push({ label: c.coupon, value: `-${formatFen(totals.couponFen)}`, minus: true });
  if (totals.pointsCashFen > 0) {
    rows.push({ label: c.pointsCash, value: `-${formatFen(totals.pointsCashFen)}`, minus: true });
  }
  if (totals.balancePaidFen > 0) {
    rows.push({ label: c.balancePaid, value: `-${formatFen(totals.balancePaidFen)}`, minus: true });
  }
  rows.push({ label: c.payable, value: formatFen(totals.payableFen), strong: true, name: 'payable' });
  return rows;
}

function QuotePanel({ state, problem }: { state: QuoteState; problem: string | null }) {
  if (problem) return <Text className="checkout__problem">{problem}</Text>;
  switch (state.kind) {
    case 'idle':
      return <Text className="checkout__hint">{c.emptyBasket}</Text>;
    case 'failed':
      return <ErrorNotice error={state.error} />;
    case 'loading':
      return state.previous ? (
        <View className="checkout__quote checkout__quote--stale">
          <AmountList rows={quoteRows(state.previous)} />
          <Text className="checkout__quoting">{c.quoting}</Text>
        </View>
      ) : (
        <StatePanel kind="loading" text={c.quoting} />
      );
    case 'ready': {
      const { quote } = state;
      return (
        <View className="checkout__quote">
          <AmountList rows={quoteRows(quote)} />
          <View className="checkout__earn">
            <Text>{c.pointsEarned}</Text>
            <Text className="checkout__earn-points">
              +{formatPoints(quote.pointsEarned)}
              {quote.multiplier > 1 ? ` · ${interpolate(c.multiplier, { multiplier: quote.multiplier })}` : ''}
            </Text>
          </View>
          {quote.pointsClamped ? (
            <Text className="checkout__hint">
              {interpolate(c.pointsClamped, { points: formatPoints(quote.pointsSpent) })}
            </Text>
          ) : null}
        </View>
      );
    }
  }
}

interface LineEditorProps {
  line: DraftLine;
  index: number;
  paid: string | null;
  removable: boolean;
  onChange: (line: DraftLine) => void;
  onRemove: () => void;
}

function LineEditor({ line, index, paid, removable, onChange, onRemove }: LineEditorProps) {
  const set = (patch: Partial<DraftLine>) => onChange({ ...line, ...patch });
  return (
    <View className={`checkout-line checkout-line--${index + 1}`}>
      <View className="checkout-line__row">
        <Input
          className="checkout-line__input checkout-line__sku"
          value={line.sku}
          placeholder={c.skuPlaceholder}
          maxlength={64}
          onInput={(event) => set({ sku: event.detail.value })}
        />
        <Input
          className="checkout-line__input checkout-line__name"
          value={line.name}
          placeholder={c.namePlaceholder}
          maxlength={128}
          onInput={(event) => set({ name: event.detail.value })}
        />
      </View>
      <View className="checkout-line__row">
        <View className="checkout-line__price-box">
          <Text className="checkout-line__currency">¥</Text>
          <Input
            className="checkout-line__input checkout-line__price"
            type="digit"
            value={line.price}
            placeholder={c.pricePlaceholder}
            maxlength={12}
            onInput={(event) => set({ price: event.detail.value })}
          />
        </View>
        <View className="checkout-line__stepper">
          <Text
            className={`checkout-line__step ${line.quantity <= 1 ? 'checkout-line__step--off' : ''}`}
            onClick={() => line.quantity > 1 && set({ quantity: line.quantity - 1 })}
          >
            −
          </Text>
          <Text className="checkout-line__quantity">{line.quantity}</Text>
          <Text
            className="checkout-line__step checkout-line__plus"
            onClick={() => line.quantity < MAX_QUANTITY && set({ quantity: line.quantity + 1 })}
          >
            +
          </Text>
        </View>
        <Text
          className={`checkout-line__special ${line.special ? 'checkout-line__special--on' : ''}`}
          onClick={() => set({ special: !line.special })}
        >
          {c.special}
        </Text>
      </View>
      <View className="checkout-line__foot">
        <Text className="checkout-line__paid">{paid ?? ''}</Text>
        {removable ? (
          <Text className="checkout-line__remove" onClick={onRemove}>
            {c.removeLine}
          </Text>
        ) : null}
      </View>
    </View>
  );
}

function CheckoutForm({ scan }: { scan: ScanResult }) {
  const [draft, setDraft] = useState<DraftBasket>(() => ({
    mode: 'lines',
    lines: [emptyLine()],
    quickAmount: '',
    couponIds: [],
    points: '',
  }));
  const [submit, setSubmit] = useState<Submit>({ kind: 'idle' });
  const { attemptFor, endAttempt } = useAttempt();
  const built = useMemo(() => buildRequest(draft, scan.checkoutToken), [draft, scan.checkoutToken]);
  const request = built.ok ? built.request : null;
  const quote = useQuote(request);
  const { member } = scan;

  const update = (patch: Partial<DraftBasket>) => {
    setDraft((current) => ({ ...current, ...patch }));
    if (submit.kind === 'failed') setSubmit({ kind: 'idle' });
  };
  const setMode = (mode: CheckoutMode) => update({ mode });
  const setLine = (line: DraftLine) =>
    update({ lines: draft.lines.map((found) => (found.id === line.id ? line : found)) });
  const toggleCoupon = (id: string) =>
    update({
      couponIds: draft.couponIds.includes(id)
        ? draft.couponIds.filter((found) => found !== id)
        : [...draft.couponIds, id],
    });

  const ready = quote.kind === 'ready' && request !== null && quote.fingerprint === JSON.stringify(request);
  const session = readStaffSession();

  const confirm = async () => {
    if (!ready || !request || !session?.staff.storeId || submit.kind === 'sending') return;
    const attempt = attemptFor(request);
    setSubmit({ kind: 'sending' });
    try {
      const purchase = await staffCall(routes.purchase, {
        body: { ...request, storeId: session.staff.storeId, receiptNo: attempt.receiptNo },
        idempotencyKey: attempt.key,
      });
      endAttempt();
      saveReceipt({ receiptNo: attempt.receiptNo, memberName: member.name, purchase });
      clearScan();
      await Taro.redirectTo({ url: STAFF_PAGES.receipt });
    } catch (error: unknown) {
      const definite = isDefiniteAnswer(error);
      if (definite) endAttempt();
      setSubmit({ kind: 'failed', error: toShownError(error), retryable: !definite });
    }
  };

  const paidOf = (index: number): string | null => {
    if (quote.kind !== 'ready' || draft.mode !== 'lines') return null;
    const line = quote.quote.lines[index];
    return line ? interpolate(c.linePaid, { amount: formatFen(line.paidFen) }) : null;
  };
  // Quote lines follow the request's lines, which skip the blank drafts.
  const typedIndex = new Map<number, number>();
  draft.lines
    .filter((line) => line.sku.trim() || line.name.trim() || line.price.trim())
    .forEach((line, index) => typedIndex.set(line.id, index));

  const payable = quote.kind === 'ready' ? formatFen(quote.quote.totals.payableFen) : null;
  const expired = quote.kind === 'failed' && quote.error.code === 'TOKEN_EXPIRED';

  return (
    <View className="checkout">
      <MemberSummary member={member} compact />

      <View className="checkout__card">
        <View className="checkout__modes">
          {(['lines', 'quick'] as const).map((mode) => (
            <Text
              key={mode}
              className={`checkout__mode checkout__mode--${mode} ${draft.mode === mode ? 'checkout__mode--active' : ''}`}
              onClick={() => setMode(mode)}
            >
              {mode === 'lines' ? c.modeLines : c.modeQuick}
            </Text>
          ))}
        </View>
        {draft.mode === 'lines' ? (
          <View className="checkout__lines">
            {draft.lines.map((line, index) => {
              const typed = typedIndex.get(line.id);
              return (
                <LineEditor
                  key={line.id}
                  line={line}
                  index={index}
                  paid={typed === undefined ? null : paidOf(typed)}
                  removable={draft.lines.length > 1}
                  onChange={setLine}
                  onRemove={() => update({ lines: draft.lines.filter((found) => found.id !== line.id) })}
                />
              );
            })}
            <Text className="checkout__add" onClick={() => update({ lines: [...draft.lines, emptyLine()] })}>
              + {c.addLine}
            </Text>
            <Text className="checkout__hint">{c.specialHint}</Text>
          </View>
        ) : (
          <View className="checkout__quick">
            <Text className="checkout__label">{c.quickTitle}</Text>
            <View className="checkout__quick-box">
              <Text className="checkout__quick-currency">¥</Text>
              <Input
                className="checkout__quick-input"
                type="digit"
                value={draft.quickAmount}
                placeholder={c.quickPlaceholder}
                maxlength={12}
                onInput={(event) => update({ quickAmount: event.detail.value })}
              />
            </View>
          </View>
        )}
      </View>

      {scan.lookup === 'manual' ? (
        <View className="checkout__card checkout__earn-only" role="note">
          <Text className="checkout__label">{c.earnOnlyTitle}</Text>
          <Text className="checkout__hint">{c.earnOnlyLead}</Text>
        </View>
      ) : (
        <View className="checkout__card">
          <Text className="checkout__label">{c.couponsTitle}</Text>
          {member.coupons.length === 0 ? (
            <Text className="checkout__hint">{tStaff.member.noCoupons}</Text>
          ) : (
            <View className="checkout__coupons">
              {member.coupons.map((coupon) => (
                <Text
                  key={coupon.id}
                  className={`checkout__coupon ${draft.couponIds.includes(coupon.id) ? 'checkout__coupon--on' : ''}`}
                  onClick={() => toggleCoupon(coupon.id)}
                >
                  {coupon.name}
                </Text>
              ))}
            </View>
          )}
          <View className="checkout__points-head">
            <Text className="checkout__label">{c.pointsTitle}</Text>
            <Text className="checkout__hint">
              {interpolate(c.pointsAvailable, { points: formatPoints(member.points) })}
            </Text>
          </View>
          <Input
            className="checkout__points"
            type="number"
            value={draft.points}
            placeholder={c.pointsPlaceholder}
            maxlength={9}
            disabled={member.points <= 0}
            onInput={(event) => update({ points: event.detail.value })}
          />
        </View>
      )}

      <View className="checkout__card checkout__summary">
        <Text className="checkout__label">{c.quoteTitle}</Text>
        <QuotePanel state={quote} problem={built.ok ? null : built.problem} />
        {expired ? (
          <Button
            className="checkout__rescan"
            size="small"
            type="primary"
            onClick={() => void Taro.redirectTo({ url: STAFF_PAGES.scan })}
          >
            {tStaff.scan.rescan}
          </Button>
        ) : null}
      </View>

      {submit.kind === 'failed' ? <ErrorNotice error={submit.error} /> : null}

      <Button
        className="checkout__confirm"
        type="primary"
        size="large"
        block
        disabled={!ready || submit.kind === 'sending'}
        loading={submit.kind === 'sending'}
        onClick={() => void confirm()}
      >
        {submit.kind === 'sending'
          ? c.confirming
          : submit.kind === 'failed' && submit.retryable
            ? c.retry
            : payable
              ? interpolate(c.confirm, { amount: payable })
              : c.confirmIdle}
      </Button>
    </View>
  );
}

export default function StaffCheckoutPage() {
  const [scan] = useState(readScan);
  return (
    <StaffShell active="scan">
      {scan ? (
        <CheckoutForm scan={scan} />
      ) : (
        <StatePanel
          kind="empty"
          title={c.noMember}
          lead={c.noMemberLead}
          action={
            <Button type="primary" onClick={() => void Taro.redirectTo({ url: STAFF_PAGES.scan })}>
              {c.toScan}
            </Button>
          }
        />
      )}
    </StaffShell>
  );
}
