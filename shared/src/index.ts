export * from './contracts';
export * from './errors';
export * from './money';
export * from './openapi';
export * from './pricing';
export * from './program';
export * from './program-diff';
export * from './tiers';
