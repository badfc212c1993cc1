import { DownloadOutlined, QrcodeOutlined } from '@ant-design/icons';
import { CreateSceneBody, routes, type SceneView, type StaffView } from '@huika/shared';
import { Alert, App, Button, Card, Col, Descriptions, Empty, Form, Input, Row, Select, Typography } from 'antd';
import { useEffect, useState } from 'react';
import type { z } from 'zod';
import { callApi, fetchBlob } from '../api/client';
import { errorText, parseForm, placeServerError, type FieldHints } from '../components/forms';
import { formatTime } from '../components/format';
import { t } from '../i18n/zh-CN';
import { useStores } from './StoresPage';

type Scene = z.output<typeof SceneView>;
type Staff = z.output<typeof StaffView>;
type Kind = z.infer<typeof CreateSceneBody>['kind'];

const HINTS: FieldHints = { kind: t.common.requiredField, targetId: t.scenes.targetHint, code: t.scenes.codeHint };

/** The first page of staff accounts for the picker (search by name within it). */
function useStaff(): Staff[] {
  const [staff, setStaff] = useState<Staff[]>([]);
  useEffect(() => {
    callApi(routes.adminStaffList, { query: { limit: 100, active: 'true' } })
      .then((page) => setStaff(page.items))
      .catch(() => undefined);
  }, []);
  return staff;
}

/** 入会码: make a join scene for a store, a staff member or a campaign, and hand out its QR code and path. */
export function ScenesPage() {
  const [form] = Form.useForm();
  const kind = (Form.useWatch('kind', form) as Kind | undefined) ?? 'store';
  const stores = useStores();
  const staff = useStaff();
  const [scene, setScene] = useState<Scene | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const { message } = App.useApp();

  const submit = async () => {
    setFailure(null);
    const raw = form.getFieldsValue() as Record<string, unknown>;
    const values = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== '' && value !== undefined));
    const body = parseForm(form, CreateSceneBody, values, HINTS);
    if (!body) return;
    setSaving(true);
    try {
      setScene(await callApi(routes.adminScenesCreate, { body }));
      void message.success(t.scenes.created);
    } catch (error) {
      setFailure(
        placeServerError(form, error, HINTS, {
          SCENE_CODE_TAKEN: ['code', t.scenes.codeTaken],
          STORE_NOT_FOUND: ['targetId', t.staff.storeNotFound],
          STAFF_NOT_FOUND: ['targetId', t.scenes.staffNotFound],
        }),
      );
    } finally {
      setSaving(false);
    }
  };

  const download = async () => {
    if (!scene) return;
    try {
      const blob = await fetchBlob(routes.adminSceneQr, { code: scene.code });
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = `huika-join-${scene.code}.png`;
      link.click();
      URL.revokeObjectURL(link.href);
    } catch (error) {
      void message.error(errorText(error));
    }
  };

  return (
    <Row gutter={24}>
      <Col span={12}>
        <Card title={t.scenes.create}>
          {failure && <Alert type="error" showIcon message={failure} style={{ marginBottom: 16 }} />}
          <Form form={form} name="scene" layout="vertical" initialValues={{ kind: 'store' }}>
            <Form.Item name="kind" label={t.scenes.kind} required>
              <Select
                options={(['store', 'staff', 'campaign'] as const).map((value) => ({
                  value,
                  label: t.scenes.kinds[value],
                }))}
                onChange={() => form.setFieldValue('targetId', undefined)}
              />
            </Form.Item>
            <Form.Item name="targetId" label={t.scenes.target} required>
              {kind === 'campaign' ? (
                <Input placeholder={t.scenes.campaignPlaceholder} maxLength={64} />
              ) : (
                <Select
                  showSearch
                  optionFilterProp="label"
                  options={
                    kind === 'store'
                      ? stores.filter((s) => s.active).map((s) => ({ value: s.id, label: `${s.name}（${s.code}）` }))
                      : staff.map((s) => ({ value: s.id, label: `${s.displayName}（${s.username}）` }))
                  }
                />
              )}
            </Form.Item>
            <Form.Item name="code" label={t.scenes.code} extra={t.scenes.codeHint}>
              <Input maxLength={32} />
            </Form.Item>
            <Button type="primary" icon={<QrcodeOutlined />} loading={saving} onClick={() => void submit()}>
              {t.scenes.submit}
            </Button>
          </Form>
        </Card>
      </Col>
      <Col span={12}>
        <Card title={t.scenes.result}>
          {scene ? (
            <div style={{ display: 'flex', gap: 24, alignItems: 'flex-start' }}>
              <img src={scene.qrPngDataUrl} alt={scene.code} width={180} height={180} data-testid="scene-qr" />
              <Descriptions column={1} size="small" style={{ flex: 1 }}>
                <Descriptions.Item label={t.scenes.code}>
                  <Typography.Text copyable>{scene.code}</Typography.Text>
                </Descriptions.Item>
                <Descriptions.Item label={t.scenes.kind}>{t.scenes.kinds[scene.kind]}</Descriptions.Item>
                <Descriptions.Item label={t.scenes.path}>
                  <Typography.Text copyable code>
                    {scene.path}
                  </Typography.Text>
                </Descriptions.Item>
                <Descriptions.Item label={t.scenes.url}>
                  <Typography.Text copyable>{scene.url}</Typography.Text>
                </Descriptions.Item>
                <Descriptions.Item label={t.common.createdAt}>{formatTime(scene.createdAt)}</Descriptions.Item>
                <Descriptions.Item label={t.scenes.png}>
                  <Button icon={<DownloadOutlined />} onClick={() => void download()}>
                    {t.scenes.download}
                  </Button>
                </Descriptions.Item>
              </Descriptions>
            </div>
          ) : (
            <Empty description={t.scenes.none} />
          )}
        </Card>
      </Col>
    </Row>
  );
}
