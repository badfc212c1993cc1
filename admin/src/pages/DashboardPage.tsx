import { ReloadOutlined } from '@ant-design/icons';
import { ProCard } from '@ant-design/pro-components';
import { formatFen, formatPoints, routes, type StatsFigures, type StatsSummaryResponse } from '@huika/shared';
import { Button, Col, Empty, Row, Select, Space, Statistic, Typography } from 'antd';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/lib/core';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { z } from 'zod';
import { callApi } from '../api/client';
import { useStaff } from '../auth/session';
import { errorText } from '../components/forms';
import { formatTime } from '../components/format';
import { interpolate, t } from '../i18n/zh-CN';
import { LoadError } from '../components/LoadError';
import { useStores } from './StoresPage';

// Only the pieces of ECharts the chart uses, not the whole library.
echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

type Summary = z.output<typeof StatsSummaryResponse>;
type Figures = z.output<typeof StatsFigures>;
type Daily = Summary['daily'];

const STORE = 'storeId';

const count = (value: number) => value.toLocaleString('zh-CN');

/** The six figures of a period, each shown as the server counted it: money through formatFen, nothing computed. */
const FIGURES: readonly { key: keyof Figures; title: string; show: (value: number) => string }[] = [
  { key: 'newMembers', title: t.dashboard.newMembers, show: count },
  { key: 'purchases', title: t.dashboard.purchases, show: count },
  { key: 'salesFen', title: t.dashboard.sales, show: (fen) => formatFen(fen) },
  { key: 'pointsIssued', title: t.dashboard.pointsIssued, show: formatPoints },
  { key: 'pointsSpent', title: t.dashboard.pointsSpent, show: formatPoints },
  { key: 'couponsUsed', title: t.dashboard.couponsUsed, show: count },
];

function FiguresCard({
  id,
  title,
  figures,
  loading,
}: {
  id: string;
  title: string;
  figures?: Figures;
  loading: boolean;
}) {
  return (
    <ProCard title={title} headerBordered loading={loading} data-testid={`stats-${id}`}>
      <Row gutter={[24, 16]}>
        {FIGURES.map(({ key, title: label, show }) => (
          <Col key={key} span={8} data-testid={`stats-${id}-${key}`}>
            <Statistic title={label} value={figures?.[key] ?? 0} formatter={(value) => show(Number(value))} />
          </Col>
        ))}
      </Row>
    </ProCard>
  );
}

/** The last 30 days: net sales as bars (money axis on the left), new members and purchases as lines (right). */
function DailyChart({ daily }: { daily: Daily }) {
  const option = useMemo(
    () => ({
      // Drawn at once: figures that grow into place read as wrong for a moment, and screen readers gain nothing.
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0, data: [t.dashboard.sales, t.dashboard.newMembers, t.dashboard.purchases] },
      grid: { left: 72, right: 48, top: 40, bottom: 32 },
      xAxis: { type: 'category', data: daily.map((day) => day.date.slice(5)) },
      yAxis: [
        // Axis ticks fall between whole fen (0.2 on an empty chart): a tick is labelled by its rounded value.
        {
          type: 'value',
          minInterval: 1,
          axisLabel: { formatter: (fen: number) => formatFen(Math.round(fen), { compact: true }) },
        },
        { type: 'value', minInterval: 1, splitLine: { show: false } },
      ],
      series: [
        {
          name: t.dashboard.sales,
          type: 'bar',
          data: daily.map((day) => day.salesFen),
          itemStyle: { color: '#1f4fd8' },
          tooltip: { valueFormatter: (fen: number) => formatFen(fen) },
        },
        {
          name: t.dashboard.newMembers,
          type: 'line',
          yAxisIndex: 1,
          data: daily.map((day) => day.newMembers),
          itemStyle: { color: '#13a8a8' },
          tooltip: { valueFormatter: count },
        },
        {
          name: t.dashboard.purchases,
          type: 'line',
          yAxisIndex: 1,
          data: daily.map((day) => day.purchases),
          itemStyle: { color: '#fa8c16' },
          tooltip: { valueFormatter: count },
        },
      ],
    }),
    [daily],
  );
  return (
    <div data-testid="stats-chart">
      <ReactEChartsCore echarts={echarts} option={option} style={{ height: 300 }} notMerge />
    </div>
  );
}

/** 概览: today's and this month's figures and the last 30 days, for every store or one (a manager: their own). */
export function DashboardPage() {
  const staff = useStaff();
  const headquarters = staff.role === 'admin';
  const [searchParams, setSearchParams] = useSearchParams();
  const storeId = headquarters ? (searchParams.get(STORE) ?? undefined) : undefined;
  const [summary, setSummary] = useState<Summary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setSummary(await callApi(routes.adminStatsSummary, { query: storeId ? { storeId } : {} }));
      setError(null);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setLoading(false);
    }
  }, [storeId]);

  useEffect(() => {
    void load();
  }, [load]);

  const quiet = summary !== null && summary.daily.every((day) => !day.newMembers && !day.purchases && !day.salesFen);

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <div
        style={{ display: 'flex', flexWrap: 'wrap', gap: 12, justifyContent: 'space-between', alignItems: 'center' }}
      >
        {headquarters ? (
          <StorePicker value={storeId} onChange={(value) => setSearchParams(value ? { [STORE]: value } : {})} />
        ) : (
          <Typography.Text strong>{t.dashboard.ownStore}</Typography.Text>
        )}
        <Space>
          {summary && (
            <Typography.Text type="secondary" data-testid="stats-as-of">
              {interpolate(t.dashboard.asOf, { time: formatTime(summary.generatedAt), zone: summary.timeZone })}
            </Typography.Text>
          )}
          <Button icon={<ReloadOutlined />} loading={loading} onClick={() => void load()}>
            {t.dashboard.refresh}
          </Button>
        </Space>
      </div>
      {error && <LoadError error={error} retry={() => void load()} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <FiguresCard id="today" title={t.dashboard.today} figures={summary?.today} loading={loading && !summary} />
        </Col>
        <Col xs={24} xl={12}>
          <FiguresCard
            id="month"
            title={t.dashboard.thisMonth}
            figures={summary?.thisMonth}
            loading={loading && !summary}
          />
        </Col>
      </Row>
      <ProCard
        title={t.dashboard.trend}
        headerBordered
        loading={loading && !summary}
        extra={<Typography.Text type="secondary">{t.dashboard.salesNote}</Typography.Text>}
      >
        {summary && !quiet ? (
          <DailyChart daily={summary.daily} />
        ) : (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={summary ? t.dashboard.quiet : t.common.empty} />
        )}
      </ProCard>
    </Space>
  );
}

function StorePicker({
  value,
  onChange,
}: {
  value: string | undefined;
  onChange: (value: string | undefined) => void;
}) {
  const stores = useStores();
  return (
    <Space>
      <Typography.Text style={{ whiteSpace: 'nowrap' }}>{t.dashboard.store}</Typography.Text>
      <Select
        data-testid="stats-store"
        style={{ width: 240 }}
        showSearch
        optionFilterProp="label"
        value={value ?? ''}
        onChange={(next: string) => onChange(next || undefined)}
        options={[
          { value: '', label: t.dashboard.allStores },
          ...stores.map((store) => ({ value: store.id, label: `${store.name}（${store.code}）` })),
        ]}
      />
    </Space>
  );
}
