import { buildOpenApiDocument, routes } from '@huika/shared';
import { Controller, Header, Inject } from '@nestjs/common';
import { Route } from '../../common/route.decorators';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';

export const DOCS_ASSETS_PREFIX = '/api/docs/assets/';

/** The page's one inline script; the CSP lets it run by its hash (common/security-headers.ts). */
export const DOCS_INLINE_SCRIPT =
  'window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: true });';

const DOCS_PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Huika API</title>
  <link rel="stylesheet" href="${DOCS_ASSETS_PREFIX}swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${DOCS_ASSETS_PREFIX}swagger-ui-bundle.js"></script>
  <script>${DOCS_INLINE_SCRIPT}</script>
</body>
</html>`;

@Controller()
export class DocsController {
  /** Built once: the contracts do not change while the server runs. */
  private readonly document: Record<string, unknown>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.document = buildOpenApiDocument(routes, { title: 'Huika API', version: config.version });
  }

  @Route(routes.openApiDocument)
  openApi() {
    return this.document;
  }

  @Route(routes.apiDocs)
  @Header('content-type', 'text/html; charset=utf-8')
  docs() {
    return DOCS_PAGE;
  }
}
