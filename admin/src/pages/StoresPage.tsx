import { type ActionType, type ProColumns } from '@ant-design/pro-components';
import {
  CreateStaffBody,
  CreateStoreBody,
  UpdateStaffBody,
  UpdateStoreBody,
  routes,
  type StaffView,
  type StoreView,
} from '@huika/shared';
import { App, Form, Input, Select, Space, Tag } from 'antd';
import { useEffect, useRef, useState } from 'react';
import type { z } from 'zod';
import { callApi, isApiError } from '../api/client';
import { CursorTable } from '../components/CursorTable';
import { ActiveToggle, createToolbar, FormModal, useActiveSetter, closeAndReload } from '../components/actions';
import { errorText, parseForm, placeServerError, type FieldHints } from '../components/forms';
import { formatTime } from '../components/format';
import { t } from '../i18n/zh-CN';

type Store = z.output<typeof StoreView>;
type Staff = z.output<typeof StaffView>;

const STORE_HINTS: FieldHints = { code: t.stores.codeHint, name: t.stores.nameHint, address: t.stores.addressHint };
const STAFF_HINTS: FieldHints = {
  username: t.staff.usernameHint,
  password: t.staff.passwordHint,
  displayName: t.staff.displayNameHint,
  role: t.common.requiredField,
  storeId: t.staff.storeHint,
};

function ActiveTag({ active }: { active: boolean }) {
  return active ? <Tag color="success">{t.common.active}</Tag> : <Tag>{t.common.inactive}</Tag>;
}

/** Empty inputs mean "not given": the schemas know optional fields, not empty strings. */
function withoutBlanks(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== '' && value !== undefined));
}

function StoreForm({ store, onClose }: { store: Store | 'new'; onClose: (saved: boolean) => void }) {
  const [form] = Form.useForm();
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const { message } = App.useApp();
  const creating = store === 'new';

  const submit = async () => {
    setFailure(null);
    const values = withoutBlanks(form.getFieldsValue());
    const body = creating
      ? parseForm(form, CreateStoreBody, values, STORE_HINTS)
      : parseForm(form, UpdateStoreBody, { name: values.name, address: values.address ?? null }, STORE_HINTS);
    if (!body) return;
    setSaving(true);
    try {
      if (creating) await callApi(routes.adminStoresCreate, { body: body as z.input<typeof CreateStoreBody> });
      else
        await callApi(routes.adminStoresUpdate, {
          params: { id: store.id },
          body: body as z.input<typeof UpdateStoreBody>,
        });
      void message.success(t.common.saved);
      onClose(true);
    } catch (error) {
      setFailure(placeServerError(form, error, STORE_HINTS, { STORE_CODE_TAKEN: ['code', t.stores.codeTaken] }));
    } finally {
      setSaving(false);
    }
  };

  return (
    <FormModal
      title={creating ? t.stores.create : t.stores.editTitle}
      saving={saving}
      failure={failure}
      onSave={() => void submit()}
      onCancel={() => onClose(false)}
    >
      <Form
        form={form}
        name="store"
        layout="vertical"
        initialValues={creating ? {} : { code: store.code, name: store.name, address: store.address ?? '' }}
        onFinish={() => void submit()}
      >
        <Form.Item name="code" label={t.stores.code} extra={creating ? t.stores.codeHint : undefined} required>
          <Input disabled={!creating} maxLength={16} />
        </Form.Item>
        <Form.Item name="name" label={t.stores.name} required>
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item name="address" label={t.stores.address}>
          <Input maxLength={255} />
        </Form.Item>
      </Form>
    </FormModal>
  );
}

/** Every store, for the pickers and the store column (a brand has tens of stores, not thousands). */
export function useStores(enabled = true): Store[] {
  const [stores, setStores] = useState<Store[]>([]);
  useEffect(() => {
    if (!enabled) return undefined;
    let cancelled = false;
    void (async () => {
      const all: Store[] = [];
      let cursor: string | undefined;
      do {
        const page = await callApi(routes.adminStoresList, { query: { limit: 100, ...(cursor ? { cursor } : {}) } });
        all.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && !cancelled);
      if (!cancelled) setStores(all);
    })().catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [enabled]);
  return stores;
}

function StaffForm({
  staff,
  stores,
  onClose,
}: {
  staff: Staff | 'new';
  stores: Store[];
  onClose: (saved: boolean) => void;
}) {
  const [form] = Form.useForm();
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const { message } = App.useApp();
  const creating = staff === 'new';
  const role = Form.useWatch('role', form) as Staff['role'] | undefined;

  const submit = async () => {
    setFailure(null);
    const values = withoutBlanks(form.getFieldsValue());
    const storeId = values.role === 'admin' ? null : (values.storeId ?? null);
    const body = creating
      ? parseForm(form, CreateStaffBody, { ...values, storeId }, STAFF_HINTS)
      : parseForm(
          form,
          UpdateStaffBody,
          { displayName: values.displayName, role: values.role, storeId, password: values.password },
          STAFF_HINTS,
        );
    if (!body) return;
    setSaving(true);
    try {
      if (creating) await callApi(routes.adminStaffCreate, { body: body as z.input<typeof CreateStaffBody> });
      else
        await callApi(routes.adminStaffUpdate, {
          params: { id: staff.id },
          body: body as z.input<typeof UpdateStaffBody>,
        });
      void message.success(t.common.saved);
      onClose(true);
    } catch (error) {
      setFailure(
        placeServerError(form, error, STAFF_HINTS, {
          USERNAME_TAKEN: ['username', t.staff.usernameTaken],
          STORE_NOT_FOUND: ['storeId', t.staff.storeNotFound],
          CONFLICT: ['role', t.staff.conflict],
        }),
      );
    } finally {
      setSaving(false);
    }
  };

  return (
    <FormModal
      title={creating ? t.staff.create : t.staff.editTitle}
      saving={saving}
      failure={failure}
      onSave={() => void submit()}
      onCancel={() => onClose(false)}
    >
      <Form
        form={form}
        name="staff"
        layout="vertical"
        initialValues={
          creating
            ? { role: 'cashier' }
            : {
                username: staff.username,
                displayName: staff.displayName,
                role: staff.role,
                storeId: staff.storeId ?? undefined,
              }
        }
      >
        <Form.Item
          name="username"
          label={t.staff.username}
          extra={creating ? t.staff.usernameHint : undefined}
          required
        >
          <Input disabled={!creating} autoComplete="off" />
        </Form.Item>
        <Form.Item name="displayName" label={t.staff.displayName} required>
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item name="role" label={t.staff.role} required>
          <Select
            options={(['cashier', 'manager', 'admin'] as const).map((value) => ({ value, label: t.roles[value] }))}
          />
        </Form.Item>
        {role !== 'admin' && (
          <Form.Item name="storeId" label={t.staff.store} required>
            <Select
              showSearch
              optionFilterProp="label"
              options={stores.filter((s) => s.active).map((s) => ({ value: s.id, label: `${s.name}（${s.code}）` }))}
            />
          </Form.Item>
        )}
        <Form.Item
          name="password"
          label={creating ? t.staff.password : t.staff.newPassword}
          extra={t.staff.passwordHint}
          required={creating}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </FormModal>
  );
}

function StoresTab() {
  const [editing, setEditing] = useState<Store | 'new' | null>(null);
  const ref = useRef<ActionType>();
  const setActive = useActiveSetter<Store>(ref, (store, active) =>
    callApi(routes.adminStoresUpdate, { params: { id: store.id }, body: { active } }),
  );

  const columns: ProColumns<Store>[] = [
    { title: t.stores.code, dataIndex: 'code', width: 120, render: (_, row) => <Tag>{row.code}</Tag> },
    { title: t.stores.name, dataIndex: 'name' },
    { title: t.stores.address, dataIndex: 'address', renderText: (value: string | null) => value ?? '—' },
    { title: t.common.status, dataIndex: 'active', width: 90, render: (_, row) => <ActiveTag active={row.active} /> },
    { title: t.common.createdAt, dataIndex: 'createdAt', width: 180, renderText: formatTime },
    {
      title: t.common.actions,
      valueType: 'option',
      width: 140,
      render: (_, row) => (
        <Space>
          <a onClick={() => setEditing(row)}>{t.common.edit}</a>
          <ActiveToggle active={row.active} onToggle={(active) => setActive(row, active)} />
        </Space>
      ),
    },
  ];

  return (
    <>
      <CursorTable<Store>
        actionRef={ref}
        rowKey="id"
        columns={columns}
        load={(query) => callApi(routes.adminStoresList, { query })}
        toolBarRender={createToolbar(t.stores.create, () => setEditing('new'))}
      />
      {editing && <StoreForm store={editing} onClose={closeAndReload(setEditing, ref)} />}
    </>
  );
}

function StaffTab({ stores }: { stores: Store[] }) {
  const [editing, setEditing] = useState<Staff | 'new' | null>(null);
  const ref = useRef<ActionType>();
  const storeName = (id: string | null) =>
    id === null ? t.staff.headquarters : (stores.find((s) => s.id === id)?.name ?? id);

  const setActive = useActiveSetter<Staff>(
    ref,
    (staff, active) => callApi(routes.adminStaffUpdate, { params: { id: staff.id }, body: { active } }),
    (error) => (isApiError(error) && error.code === 'CONFLICT' ? t.staff.conflict : errorText(error)),
  );

  const columns: ProColumns<Staff>[] = [
    { title: t.staff.username, dataIndex: 'username', search: false },
    { title: t.staff.displayName, dataIndex: 'displayName', search: false },
    {
      title: t.staff.role,
      dataIndex: 'role',
      valueType: 'select',
      valueEnum: {
        cashier: { text: t.roles.cashier },
        manager: { text: t.roles.manager },
        admin: { text: t.roles.admin },
      },
      render: (_, row) => (
        <Tag color={row.role === 'admin' ? 'gold' : row.role === 'manager' ? 'blue' : 'default'}>
          {t.roles[row.role]}
        </Tag>
      ),
    },
    {
      title: t.staff.store,
      dataIndex: 'storeId',
      valueType: 'select',
      fieldProps: { options: stores.map((s) => ({ value: s.id, label: s.name })), showSearch: true },
      render: (_, row) => storeName(row.storeId),
    },
    {
      title: t.common.status,
      dataIndex: 'active',
      valueType: 'select',
      valueEnum: { true: { text: t.common.active }, false: { text: t.common.inactive } },
      render: (_, row) => <ActiveTag active={row.active} />,
    },
    { title: t.common.createdAt, dataIndex: 'createdAt', search: false, renderText: formatTime },
    {
      title: t.common.actions,
      valueType: 'option',
      render: (_, row) => (
        <Space>
          <a onClick={() => setEditing(row)}>{t.common.edit}</a>
          <ActiveToggle active={row.active} onToggle={(active) => setActive(row, active)} />
        </Space>
      ),
    },
  ];

  return (
    <>
      <CursorTable<Staff>
        actionRef={ref}
        rowKey="id"
        columns={columns}
        filters={['role', 'storeId', 'active']}
        load={(query) =>
          callApi(routes.adminStaffList, {
            query: {
              ...query,
              role: query.role as Staff['role'] | undefined,
              active: query.active as 'true' | 'false' | undefined,
            },
          })
        }
        toolBarRender={createToolbar(t.staff.create, () => setEditing('new'))}
      />
      {editing && <StaffForm staff={editing} stores={stores} onClose={closeAndReload(setEditing, ref)} />}
    </>
  );
}

/** 门店: open, rename and deactivate stores. */
export function StoresPage() {
  return <StoresTab />;
}

/** 员工: staff accounts, their role and store, deactivation. */
export function StaffPage() {
  const stores = useStores();
  return <StaffTab stores={stores} />;
}
