export interface CodeScannerProps {
  /** Called once per scan with the decoded text; the scanner then stops until it is started again. */
  onCode: (code: string) => void;
  /** While true (a lookup is running), a decoded code is ignored and the scan button is off. */
  busy?: boolean;
}
