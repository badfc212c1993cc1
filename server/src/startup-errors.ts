import { ConfigError } from './config/config';

/** One clear line for what stopped the server or a command from starting. */
export function describeStartupError(error: unknown): string {
  if (error instanceof ConfigError) return `configuration error: ${error.message}`;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'ER_ACCESS_DENIED_ERROR') {
    return `cannot reach the database named by DATABASE_URL (${String(code)}): ${message}`;
  }
  if (code === 'EADDRINUSE') return `the port is already in use (set PORT to another one): ${message}`;
  return message.split('\n')[0] ?? 'failed to start';
}
