import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { AppError } from './app-error';
import { mapError } from './error-mapping';

describe('mapError', () => {
  it('keeps the code, status and details of expected failures', () => {
    const mapped = mapError(new AppError('POINTS_INSUFFICIENT', 'not enough points', { balance: 5 }));
    expect(mapped).toEqual({
      status: 409,
      body: { code: 'POINTS_INSUFFICIENT', message: 'not enough points', details: { balance: 5 } },
      unexpected: false,
    });
  });

  it('maps framework errors to API codes', () => {
    expect(mapError(new NotFoundException()).body.code).toBe('NOT_FOUND');
    expect(mapError(new BadRequestException('Unexpected end of JSON input')).body.code).toBe('VALIDATION_FAILED');
    expect(mapError(new PayloadTooLargeException()).status).toBe(413);
  });

  it('answers 503 when the database is unreachable', () => {
    const lost = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(mapError(lost)).toMatchObject({ status: 503, body: { code: 'SERVICE_UNAVAILABLE' }, unexpected: false });
    const wrapped = { message: 'query failed', driverError: { code: 'PROTOCOL_CONNECTION_LOST' } };
    expect(mapError(wrapped).status).toBe(503);
  });

  it('answers 503 TRY_AGAIN with seconds to wait for a certification conflict or a node not ready', () => {
    for (const code of ['ER_LOCK_DEADLOCK', 'ER_ERROR_DURING_COMMIT', 'ER_UNKNOWN_COM_ERROR']) {
      const refused = { message: 'query failed', driverError: { code } };
      expect(mapError(refused)).toMatchObject({
        status: 503,
        body: { code: 'TRY_AGAIN', details: { retryAfterSeconds: 1 } },
        unexpected: false,
      });
    }
  });

  it('hides everything unexpected behind a 500 without internals', () => {
    const mapped = mapError(new TypeError("Cannot read properties of undefined (reading 'x')"));
    expect(mapped).toEqual({
      status: 500,
      body: { code: 'INTERNAL', message: 'internal error; it has been logged' },
      unexpected: true,
    });
  });
});
