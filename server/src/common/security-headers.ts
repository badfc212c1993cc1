import { createHash } from 'node:crypto';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** HSTS for a year, subdomains included: sent only on requests that came over TLS (see below). */
const HSTS = 'max-age=31536000; includeSubDomains';

/** The CSP source of one inline script: its SHA-256, so that exactly that script may run. */
export function inlineScriptSource(script: string): string {
  return `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`;
}

/**
 * Security headers on every answer, the API's and the H5 app's (helmet): a CSP under which only the server's own
 * scripts and the inline scripts named by hash run, no framing (frame-ancestors 'none' and X-Frame-Options), no
 * MIME sniffing, no referrer to other sites. Styles may be inline: the H5 app's components and Swagger UI set
 * them. HSTS only when the request came over TLS (`request.protocol`, from X-Forwarded-Proto of a trusted proxy):
 * on plain HTTP it would say nothing true, and on a LAN till without TLS it would lock the browser out.
 */
export async function registerSecurityHeaders(fastify: FastifyInstance, inlineScripts: readonly string[]) {
  await fastify.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'", ...inlineScripts.map(inlineScriptSource)],
        'script-src-attr': ["'none'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'font-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'media-src': ["'self'", 'blob:'],
        // qr-scanner decodes in a worker made from a blob.
        'worker-src': ["'self'", 'blob:'],
        'manifest-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    strictTransportSecurity: false,
    // The H5 app loads nothing from other origins; Swagger UI neither.
    crossOriginEmbedderPolicy: false,
  });
  fastify.addHook('onRequest', async (request, reply) => {
    if (request.protocol === 'https') void reply.header('strict-transport-security', HSTS);
  });
}
