import type { ProColumns } from '@ant-design/pro-components';
import { AdminMembersQuery, formatPoints, routes, type AdminMemberListItem, type ProgramSummary } from '@huika/shared';
import { Tag } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import type { z } from 'zod';
import { callApi } from '../api/client';
import { useStaff } from '../auth/session';
import { CursorTable, type PageQuery } from '../components/CursorTable';
import { formatTime } from '../components/format';
import { interpolate, t } from '../i18n/zh-CN';
import { useStores } from './StoresPage';

type Member = z.output<typeof AdminMemberListItem>;
type Tier = z.output<typeof ProgramSummary>['tiers'][number];

/** The search form's keys, in the URL as the API names them. */
const FILTERS = [
  'q',
  'tier',
  'storeId',
  'scene',
  'inviteCode',
  'joinedFrom',
  'joinedTo',
  'lastPurchaseFrom',
  'lastPurchaseBefore',
  'pointsMin',
  'pointsMax',
  'birthdayMonth',
] as const;

/** The program's tier ladder, for the tier filter and the tier actions (the public program route). */
export function useTiers(): Tier[] {
  const [tiers, setTiers] = useState<Tier[]>([]);
  useEffect(() => {
    let cancelled = false;
    void callApi(routes.program)
      .then((program) => !cancelled && setTiers(program.tiers))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, []);
  return tiers;
}

const TIER_COLORS = ['default', 'blue', 'gold', 'purple', 'magenta'];

export function TierTag({ code, name, tiers }: { code: string; name: string; tiers: Tier[] }) {
  const rank = tiers.find((tier) => tier.code === code)?.rank ?? 0;
  return <Tag color={TIER_COLORS[Math.min(rank, TIER_COLORS.length - 1)]}>{name}</Tag>;
}

/** Keeps only what the API takes: the URL may carry anything. */
function searchQuery(query: PageQuery) {
  const parsed = AdminMembersQuery.safeParse(query);
  return parsed.success ? parsed.data : { limit: query.limit };
}

export function MembersPage() {
  const staff = useStaff();
  const headquarters = staff.role === 'admin';
  const tiers = useTiers();
  // The store list is headquarters' (a manager's list is their own store's members only).
  const stores = useStores(headquarters);
  const storeNames = new Map(stores.map((store) => [store.id, store.name]));
  const tierOptions = Object.fromEntries(tiers.map((tier) => [tier.code, { text: tier.name }]));
  const months = Object.fromEntries(
    Array.from({ length: 12 }, (_, i) => [String(i + 1), { text: interpolate(t.members.month, { month: i + 1 }) }]),
  );

  const columns: ProColumns<Member>[] = [
    {
      title: t.members.search,
      dataIndex: 'q',
      hideInTable: true,
      fieldProps: { placeholder: t.members.searchHint, allowClear: true },
    },
    { title: t.members.cardNo, dataIndex: 'cardNo', search: false, copyable: true, width: 150 },
    {
      title: t.members.name,
      dataIndex: 'name',
      search: false,
      render: (_, member) => <Link to={`/members/${member.id}`}>{member.name}</Link>,
    },
    {
      title: t.members.phone,
      dataIndex: 'phoneMasked',
      search: false,
      renderText: (value: string | null) => value ?? '—',
    },
    {
      title: t.members.tier,
      dataIndex: 'tier',
      valueType: 'select',
      valueEnum: tierOptions,
      render: (_, member) => <TierTag code={member.tier.code} name={member.tier.name} tiers={tiers} />,
    },
    {
      title: t.members.points,
      dataIndex: 'points',
      search: false,
      align: 'right',
      renderText: (points: number) => formatPoints(points),
    },
    {
      title: t.members.store,
      dataIndex: 'storeId',
      valueType: 'select',
      hideInTable: true,
      hideInSearch: !headquarters,
      valueEnum: Object.fromEntries(stores.map((store) => [store.id, { text: store.name }])),
    },
    { title: t.members.scene, dataIndex: 'scene', hideInTable: true },
    { title: t.members.inviteCode, dataIndex: 'inviteCode', hideInTable: true },
    {
      title: t.members.joined,
      dataIndex: 'joined',
      valueType: 'dateRange',
      hideInTable: true,
      search: { transform: (range: [string, string]) => ({ joinedFrom: range[0], joinedTo: range[1] }) },
    },
    { title: t.members.lastPurchaseFrom, dataIndex: 'lastPurchaseFrom', valueType: 'date', hideInTable: true },
    { title: t.members.lastPurchaseBefore, dataIndex: 'lastPurchaseBefore', valueType: 'date', hideInTable: true },
    { title: t.members.pointsMin, dataIndex: 'pointsMin', valueType: 'digit', hideInTable: true },
    { title: t.members.pointsMax, dataIndex: 'pointsMax', valueType: 'digit', hideInTable: true },
    {
      title: t.members.birthdayMonth,
      dataIndex: 'birthdayMonth',
      valueType: 'select',
      valueEnum: months,
      hideInTable: true,
    },
    {
      title: t.members.joinedAt,
      dataIndex: 'joinedAt',
      search: false,
      renderText: (value: string) => formatTime(value),
    },
    {
      title: t.members.lastPurchaseAt,
      dataIndex: 'lastPurchaseAt',
      search: false,
      renderText: (value: string | null) => formatTime(value),
    },
    {
      title: t.common.actions,
      valueType: 'option',
      width: 80,
      render: (_, member) => [
        <Link key="view" to={`/members/${member.id}`}>
          {t.members.view}
        </Link>,
      ],
    },
  ];

  return (
    <CursorTable<Member>
      rowKey="id"
      columns={columns}
      filters={FILTERS}
      formValuesOf={({ joinedFrom, joinedTo, ...rest }) => ({
        ...rest,
        ...(joinedFrom && joinedTo ? { joined: [joinedFrom, joinedTo] } : {}),
      })}
      load={(query) => callApi(routes.adminMembersList, { query: searchQuery(query) })}
      headerTitle={headquarters ? undefined : storeNames.get(staff.storeId ?? '')}
    />
  );
}
