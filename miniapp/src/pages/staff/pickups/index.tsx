import { Text, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { formatPoints, type ResponseOf, routes } from '@huika/shared';
import { useCallback, useState } from 'react';
import { interpolate, tStaff } from '../../../i18n';
import { staffCall } from '../../../staff/api';
import { CodeScanner } from '../../../staff/components/code-scanner';
import { Field } from '../../../staff/components/field';
import { StaffShell } from '../../../staff/components/staff-shell';
import { ErrorNotice, StatePanel } from '../../../staff/components/state-panel';
import { type ShownError, toShownError } from '../../../staff/errors';
import { formatDateTime } from '../../../staff/format';
import './index.scss';

const p = tStaff.pickups;

type Pickup = ResponseOf<typeof routes.collectPickup>;

type Verify =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'collected'; pickup: Pickup }
  | { kind: 'already'; code: string; collectedAt: string | null }
  | { kind: 'failed'; error: ShownError };

function Row({ label, value }: { label: string; value: string }) {
  return (
    <View className="pickups__row">
      <Text className="pickups__row-label">{label}</Text>
      <Text className="pickups__row-value">{value}</Text>
    </View>
  );
}

export default function StaffPickupsPage() {
  const [code, setCode] = useState('');
  const [verify, setVerify] = useState<Verify>({ kind: 'idle' });
  const [scanRound, setScanRound] = useState(0);

  const collect = useCallback(async (pickupCode: string) => {
    const wanted = pickupCode.trim().toUpperCase();
    if (!wanted) {
      setVerify({ kind: 'failed', error: { code: 'VALIDATION_FAILED', title: p.missingCode, message: p.missingCode } });
      return;
    }
    setCode(wanted);
    setVerify({ kind: 'loading' });
    try {
      const pickup = await staffCall(routes.collectPickup, { body: { pickupCode: wanted } });
      setVerify({ kind: 'collected', pickup });
    } catch (error: unknown) {
      const shown = toShownError(error);
      if (shown.code === 'ALREADY_COLLECTED') {
        const at = shown.details?.collectedAt;
        setVerify({ kind: 'already', code: wanted, collectedAt: typeof at === 'string' ? at : null });
      } else {
        setVerify({ kind: 'failed', error: shown });
      }
    }
  }, []);

  const another = () => {
    setCode('');
    setVerify({ kind: 'idle' });
    setScanRound((round) => round + 1);
  };

  const done = verify.kind === 'collected' || verify.kind === 'already';

  return (
    <StaffShell active="pickups">
      <View className="pickups">
        {done ? null : (
          <>
            <View className="pickups__intro">
              <Text className="pickups__heading">{p.heading}</Text>
              <Text className="pickups__lead">{p.lead}</Text>
            </View>
            <CodeScanner key={scanRound} onCode={(scanned) => void collect(scanned)} busy={verify.kind === 'loading'} />
            <View className="pickups__manual">
              <Field
                name="pickup-code"
                label={p.code}
                placeholder={p.codePlaceholder}
                value={code}
                maxlength={32}
                onChange={setCode}
                onConfirm={() => void collect(code)}
              />
              <Button
                className="pickups__verify"
                type="primary"
                block
                disabled={verify.kind === 'loading'}
                loading={verify.kind === 'loading'}
                onClick={() => void collect(code)}
              >
                {verify.kind === 'loading' ? p.verifying : p.verify}
              </Button>
            </View>
          </>
        )}

        {verify.kind === 'loading' ? <StatePanel kind="loading" text={p.verifying} /> : null}
        {verify.kind === 'failed' ? <ErrorNotice error={verify.error} /> : null}

        {verify.kind === 'collected' ? (
          <View className="pickups__result pickups__result--collected">
            <Text className="pickups__result-title">{p.collected}</Text>
            <Text className="pickups__gift">{verify.pickup.giftName}</Text>
            <Text className="pickups__code">{verify.pickup.pickupCode}</Text>
            <Row label={p.quantity} value={String(verify.pickup.quantity)} />
            <Row label={p.member} value={verify.pickup.memberName} />
            <Row label={p.pointsSpent} value={formatPoints(verify.pickup.pointsSpent)} />
            <Row label={p.redeemedAt} value={formatDateTime(verify.pickup.createdAt)} />
            {verify.pickup.collectedAt ? (
              <Row label={p.collectedAt} value={formatDateTime(verify.pickup.collectedAt)} />
            ) : null}
          </View>
        ) : null}

        {verify.kind === 'already' ? (
          <View className="pickups__result pickups__result--already" role="alert">
            <Text className="pickups__result-title">{p.alreadyCollected}</Text>
            <Text className="pickups__code">{verify.code}</Text>
            {verify.collectedAt ? (
              <Text className="pickups__lead">
                {interpolate(p.alreadyCollectedAt, { time: formatDateTime(verify.collectedAt) })}
              </Text>
            ) : null}
          </View>
        ) : null}

        {done ? (
          <Button className="pickups__another" type="primary" size="large" block onClick={another}>
            {p.another}
          </Button>
        ) : null}
      </View>
    </StaffShell>
  );
}
