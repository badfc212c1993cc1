import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { getAbsoluteFSPath } from 'swagger-ui-dist';
import type { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { Clock } from './common/clock';
import { mapError } from './common/error-mapping';
import { ADMIN_APP, ADMIN_BASE, H5_APP, type H5App } from './common/h5-app';
import { registerSecurityHeaders } from './common/security-headers';
import type { AppConfig } from './config/config';
import { openDatabase } from './database/data-source';
import { createLogger, PinoNestLogger } from './logger';
import { DOCS_ASSETS_PREFIX, DOCS_INLINE_SCRIPT } from './modules/docs/docs.controller';
import { SeedService, type SeedOutcome } from './modules/seed/seed.service';

export interface HuikaApp {
  app: NestFastifyApplication;
  dataSource: DataSource;
  seed: SeedOutcome;
  close(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Builds the whole server: opens and migrates the database, wires Nest on Fastify, serves the H5
 * app and the API docs, and prepares the program/admin/demo data. Used by `main.ts` and by tests.
 */
export async function createApp(config: AppConfig, logger: Logger = createLogger(config)): Promise<HuikaApp> {
  const dataSource = await openDatabase(config.database);
  try {
    const adapter = new FastifyAdapter({
      loggerInstance: logger,
      disableRequestLogging: true,
      bodyLimit: config.bodyLimitBytes,
      // Per-IP rate limits are only as honest as this: believe X-Forwarded-For only from configured proxies.
      trustProxy: config.trustProxy,
      return503OnClosing: true,
      // Errors Fastify answers before any route or hook runs (a path that is not valid percent-encoding:
      // /api/me/redemptions/%zz) get the API's error shape too, not Fastify's own { error, statusCode }.
      frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
        const mapped = mapError(error);
        void reply
          .status(mapped.status)
          .header('content-type', 'application/json; charset=utf-8')
          .header('x-request-id', request.id)
          .send(mapped.body);
      },
      // Keep a caller's request id (a load balancer's, a till's) when it is sane; otherwise make one.
      genReqId: (request: IncomingMessage) => {
        const incoming = request.headers['x-request-id'];
        return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      },
    });
    const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, dataSource), adapter, {
      logger: new PinoNestLogger(logger),
      abortOnError: false,
    });
    const fastify = app.getHttpAdapter().getInstance();
    // The H5 staff app's refresh token travels in a cookie (modules/staff/refresh-cookie.ts).
    await fastify.register(fastifyCookie);
    const h5 = app.get<H5App>(H5_APP);
    const admin = app.get<H5App>(ADMIN_APP);
    await registerSecurityHeaders(fastify, [DOCS_INLINE_SCRIPT, ...h5.inlineScripts, ...admin.inlineScripts]);
    const clock = app.get(Clock);
    fastify.addHook('onRequest', async (request, reply) => {
      void reply.header('x-request-id', request.id);
      // The shared dev clock can be moved by any instance; production never pays for this read.
      if (config.dev) await clock.refresh();
    });
    fastify.addHook('onResponse', async (request, reply) => {
      request.log.info(
        { method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
        'request',
      );
    });
    await fastify.register(fastifyStatic, {
      root: getAbsoluteFSPath(),
      prefix: DOCS_ASSETS_PREFIX,
      decorateReply: false,
      allowedPath: (path) => /^\/swagger-ui(-bundle)?\.(css|js)$/.test(path),
    });
    if (h5.available) {
      await fastify.register(fastifyStatic, {
        root: h5.dir,
        prefix: '/',
        wildcard: false,
        index: false,
        decorateReply: false,
        // Otherwise @fastify/static's own Cache-Control (max-age=0) replaces the one set just below.
        cacheControl: false,
        setHeaders: (response, path) => {
          // Hashed bundles are immutable; index.html and the service worker must revalidate.
          const immutable = /\.[0-9a-f]{8,}\.(js|css)$/.test(path);
          response.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      });
    } else {
      logger.warn({ dir: h5.dir }, 'the H5 app is not built; only the API is served');
    }
    if (admin.available) {
      await fastify.register(fastifyStatic, {
        root: admin.dir,
        prefix: `${ADMIN_BASE}/`,
        wildcard: false,
        index: false,
        decorateReply: false,
        // Otherwise @fastify/static's own Cache-Control (max-age=0) replaces the one set just below.
        cacheControl: false,
        setHeaders: (response, path) => {
          // Vite names bundles by content (index-AbC123xy.js): those never change; index.html revalidates.
          const immutable = /[/\\]assets[/\\][^/\\]+-[A-Za-z0-9_-]{8,}\.(js|css)$/.test(path);
          response.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      });
    } else {
      logger.warn({ dir: admin.dir }, 'the headquarters console is not built; /admin/ is not served');
    }
    await app.init();
    const seed = await app.get(SeedService).prepare({ demo: config.demo });
    return {
      app,
      dataSource,
      seed,
      close: async () => {
        await app.close();
        if (dataSource.isInitialized) await dataSource.destroy();
      },
    };
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    throw error;
  }
}
