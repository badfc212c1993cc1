import type { ApiClient } from './client';

export interface ApiMember {
  token: string;
  memberId: string;
  cardNo: string;
  phone: string;
  name: string;
}

let joined = 0;

/** A phone number no other test member has: 139 + the clock + a counter. */
export function uniquePhone(): string {
  joined += 1;
  return `139${String(Date.now() * 10 + (joined % 10)).slice(-8)}`;
}

/** A member who joined through the API (development login), for tests whose subject is not the join itself. */
export async function joinMemberViaApi(api: ApiClient, name = '测试会员'): Promise<ApiMember> {
  const phone = uniquePhone();
  const login = await api.call('devLogin', { body: { openid: `o-browser-${phone}` } });
  if (!login.ok) throw new Error(`dev login failed: ${JSON.stringify(login.body)}`);
  const member = await api.call('joinMember', {
    token: login.body.token,
    body: { name, birthday: '1990-05-06', phone, consentVersion: '2026-01' },
  });
  if (!member.ok) throw new Error(`join failed: ${JSON.stringify(member.body)}`);
  return { token: member.body.token, memberId: member.body.id, cardNo: member.body.cardNo, phone, name };
}

/** A staff access token for API calls made by the test itself (not by the browser). */
export async function staffToken(api: ApiClient, username: string, password: string): Promise<string> {
  const login = await api.call('staffLogin', { body: { username, password } });
  if (!login.ok) throw new Error(`staff login ${username} failed: ${JSON.stringify(login.body)}`);
  return login.body.token;
}
