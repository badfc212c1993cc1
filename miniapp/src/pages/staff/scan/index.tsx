import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { Button } from '@nutui/nutui-react-taro';
import { routes } from '@huika/shared';
import { useCallback, useState } from 'react';
import { tStaff } from '../../../i18n';
import { staffCall } from '../../../staff/api';
import { clearScan, readScan, saveScan, type ScanResult } from '../../../staff/checkout-state';
import { CodeScanner } from '../../../staff/components/code-scanner';
import { Field } from '../../../staff/components/field';
import { MemberSummary } from '../../../staff/components/member-summary';
import { StaffShell } from '../../../staff/components/staff-shell';
import { ErrorNotice, StatePanel } from '../../../staff/components/state-panel';
import { type ShownError, toShownError } from '../../../staff/errors';
import { STAFF_PAGES } from '../../../staff/paths';
import './index.scss';

const s = tStaff.scan;

type Lookup = { code: string } | { cardNo: string; phoneLast4: string };

/** A scan from before a reload is still good while its checkout token is. */
function stillValidScan(): ScanResult | null {
  const scan = readScan();
  return scan && Date.parse(scan.checkoutTokenExpiresAt) > Date.now() ? scan : null;
}

export default function StaffScanPage() {
  const [found, setFound] = useState<ScanResult | null>(stillValidScan);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  const [cardNo, setCardNo] = useState('');
  const [phoneLast4, setPhoneLast4] = useState('');
  // A new value remounts the scanner, which starts the camera again.
  const [scanRound, setScanRound] = useState(0);

  const lookUp = useCallback(async (body: Lookup) => {
    setBusy(true);
    setError(null);
    try {
      const scan = await staffCall(routes.posScan, { body });
      saveScan(scan);
      setFound(scan);
    } catch (caught: unknown) {
      // The camera stays off: it would read the same refused code again at once. Staff turn it back on.
      setError(toShownError(caught));
    } finally {
      setBusy(false);
    }
  }, []);

  const onCode = useCallback((code: string) => void lookUp({ code: code.trim() }), [lookUp]);

  const lookUpManually = () => {
    if (!/^\d{12,20}$/.test(cardNo.trim()) || !/^\d{4}$/.test(phoneLast4.trim())) {
      setError({ code: 'VALIDATION_FAILED', title: s.manualInvalid, message: s.manualInvalid });
      return;
    }
    void lookUp({ cardNo: cardNo.trim(), phoneLast4: phoneLast4.trim() });
  };

  const again = () => {
    clearScan();
    setFound(null);
    setError(null);
    setScanRound((round) => round + 1);
  };

  return (
    <StaffShell active="scan">
      <View className="staff-scan">
        {found ? (
          <>
            <MemberSummary member={found.member} />
            <View className="staff-scan__actions">
              <Button
                className="staff-scan__checkout"
                type="primary"
                size="large"
                block
                onClick={() => void Taro.navigateTo({ url: STAFF_PAGES.checkout })}
              >
                {s.toCheckout}
              </Button>
              <Button className="staff-scan__again" size="large" block fill="outline" onClick={again}>
                {s.rescan}
              </Button>
            </View>
          </>
        ) : (
          <>
            <View className="staff-scan__intro">
              <Text className="staff-scan__heading">{s.heading}</Text>
              <Text className="staff-scan__lead">{s.lead}</Text>
            </View>
            <CodeScanner key={scanRound} onCode={onCode} busy={busy} />
            {busy ? <StatePanel kind="loading" text={s.lookingUp} /> : null}
            {error ? <ErrorNotice error={error} /> : null}
            <View className="staff-scan__manual">
              <Text className="staff-scan__manual-title">{s.manualTitle}</Text>
              <Field
                name="card-no"
                label={s.cardNo}
                placeholder={s.cardNoPlaceholder}
                type="number"
                maxlength={20}
                value={cardNo}
                onChange={setCardNo}
              />
              <Field
                name="phone-last4"
                label={s.phoneLast4}
                placeholder={s.phoneLast4Placeholder}
                type="number"
                maxlength={4}
                value={phoneLast4}
                onChange={setPhoneLast4}
                onConfirm={lookUpManually}
              />
              <Button
                className="staff-scan__lookup"
                type="primary"
                block
                fill="outline"
                disabled={busy}
                onClick={lookUpManually}
              >
                {s.lookup}
              </Button>
            </View>
          </>
        )}
      </View>
    </StaffShell>
  );
}
