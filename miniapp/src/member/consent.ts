/**
 * The version of the privacy terms the join form shows (pages/terms) and the member accepts; the server records
 * it with the consent (DOMAIN §15). Change it together with the terms text in zh-CN.member.ts.
 */
export const CONSENT_VERSION = '2026-11';
