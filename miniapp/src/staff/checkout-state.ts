import Taro from '@tarojs/taro';
import { PosScanResponse, PurchaseResponse } from '@huika/shared';
import { z } from 'zod';

/**
 * What the staff pages hand each other: the member identified by the last scan (with its checkout token),
 * and the last confirmed purchase for the receipt screen. Kept in storage so a reload does not lose a checkout.
 */
const CHECKOUT_KEY = 'huika.staff.checkout';
const RECEIPT_KEY = 'huika.staff.receipt';

export type ScanResult = z.infer<typeof PosScanResponse>;

const ReceiptRecord = z.object({
  receiptNo: z.string(),
  memberName: z.string(),
  purchase: PurchaseResponse,
});

export type ReceiptRecord = z.infer<typeof ReceiptRecord>;

function read<T>(key: string, schema: z.ZodType<T>): T | null {
  const parsed = schema.safeParse(Taro.getStorageSync(key));
  return parsed.success ? parsed.data : null;
}

export function saveScan(scan: ScanResult): void {
  Taro.setStorageSync(CHECKOUT_KEY, scan);
}

export function readScan(): ScanResult | null {
  return read(CHECKOUT_KEY, PosScanResponse);
}

export function clearScan(): void {
  Taro.removeStorageSync(CHECKOUT_KEY);
}

export function saveReceipt(receipt: ReceiptRecord): void {
  Taro.setStorageSync(RECEIPT_KEY, receipt);
}

export function readReceipt(): ReceiptRecord | null {
  return read(RECEIPT_KEY, ReceiptRecord);
}
