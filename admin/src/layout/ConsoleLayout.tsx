import { LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { PageContainer, ProLayout, type MenuDataItem } from '@ant-design/pro-components';
import { Avatar, Button, Dropdown, Result, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, matchPath, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { useSession, useStaff } from '../auth/session';
import { t } from '../i18n/zh-CN';
import { pagesFor, type ConsolePage } from '../pages/registry';

function menuOf(pages: ConsolePage[]): MenuDataItem[] {
  const items: MenuDataItem[] = [];
  for (const page of pages) {
    if (page.hideInMenu) continue;
    const entry = { path: page.path, name: page.name, icon: page.icon };
    if (!page.group) {
      items.push(entry);
      continue;
    }
    const group = items.find((item) => item.key === page.group?.key);
    if (group) group.children = [...(group.children ?? []), entry];
    else
      items.push({
        key: page.group.key,
        path: page.group.key,
        name: page.group.name,
        icon: page.group.icon,
        children: [entry],
      });
  }
  return items;
}

/** The console shell: ProLayout with the brand, a menu of only what the role may do, and the staff's name. */
export function ConsoleLayout() {
  const staff = useStaff();
  const { logout } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const pages = pagesFor(staff.role);
  const home = pages.find((page) => !page.hideInMenu)?.path ?? '/';
  const current = pages.find((page) => matchPath(page.path, location.pathname));
  // Every group starts open and stays as the user leaves it: the menu never folds itself on a navigation.
  const [openKeys, setOpenKeys] = useState<string[]>(() => [
    ...new Set(pages.flatMap((page) => (page.group && !page.hideInMenu ? [page.group.key] : []))),
  ]);

  return (
    <ProLayout
      title={t.brand}
      logo={<div className="huika-logo">H</div>}
      layout="mix"
      fixSiderbar
      fixedHeader
      siderWidth={220}
      location={{ pathname: location.pathname }}
      route={{ path: '/', routes: menuOf(pages) }}
      openKeys={openKeys}
      onOpenChange={(keys) => setOpenKeys(keys === false ? [] : keys)}
      token={{
        header: { colorBgHeader: '#001529', colorHeaderTitle: '#fff', colorTextMenu: '#dfe6f0' },
        sider: { colorMenuBackground: '#fff', colorTextMenuSelected: '#1f4fd8', colorBgMenuItemSelected: '#eef3ff' },
      }}
      menuItemRender={(item, dom) => (item.path ? <Link to={item.path}>{dom}</Link> : dom)}
      onMenuHeaderClick={() => navigate(home)}
      actionsRender={() => [
        <Dropdown
          key="me"
          menu={{
            items: [{ key: 'logout', icon: <LogoutOutlined />, label: t.layout.logout }],
            onClick: () => void logout(),
          }}
        >
          <Space style={{ cursor: 'pointer', color: '#fff' }} data-testid="current-staff">
            <Avatar size="small" icon={<UserOutlined />} style={{ background: '#1f4fd8' }} />
            <Typography.Text style={{ color: '#fff' }}>{staff.displayName}</Typography.Text>
            <Tag color={staff.role === 'admin' ? 'gold' : 'blue'}>{t.roles[staff.role]}</Tag>
          </Space>
        </Dropdown>,
      ]}
    >
      <PageContainer title={current?.name} breadcrumb={{}}>
        <Routes>
          {pages.map((page) => (
            <Route key={page.path} path={page.path} element={page.element} />
          ))}
          <Route path="/" element={<Navigate to={home} replace />} />
          <Route
            path="*"
            element={
              <Result
                status="404"
                title={t.common.notFound}
                extra={
                  <Button type="primary" onClick={() => navigate(home)}>
                    {t.common.backHome}
                  </Button>
                }
              />
            }
          />
        </Routes>
      </PageContainer>
    </ProLayout>
  );
}
