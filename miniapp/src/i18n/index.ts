import type { Messages } from './messages';
import { zhCN } from './zh-CN';

export type { Messages } from './messages';
export { zhCNStaff as tStaff, type StaffMessages } from './zh-CN.staff';
export { zhCNMember as tMember, type MemberMessages } from './zh-CN.member';

/** The strings of the current locale. Only zh-CN exists so far; English slots in here. */
export const t: Messages = zhCN;

/** Fills `{name}` placeholders; an unknown placeholder is left as written so it shows up in review. */
export function interpolate(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    const value = params[name];
    return value === undefined ? placeholder : String(value);
  });
}
