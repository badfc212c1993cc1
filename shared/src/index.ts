export * from './contracts';
export * from './errors';
export * from './money';
export * from './openapi';
export * from './program';
