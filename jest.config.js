// One Jest configuration for the workspace; scripts/test.mjs runs its projects stage by stage.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.tsx?$': swc },
  moduleNameMapper: { '^@huika/shared$': '<rootDir>/shared/src/index.ts' },
  rootDir: __dirname,
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/shared/src/**/*.spec.ts', '<rootDir>/server/src/**/*.spec.ts'],
    },
    { ...common, displayName: 'medium', testMatch: ['<rootDir>/server/test/medium/**/*.spec.ts'] },
    { ...common, displayName: 'api', testMatch: ['<rootDir>/test/src/api/**/*.spec.ts'] },
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/test/src/browser/**/*.spec.ts'] },
    { ...common, displayName: 'fault', testMatch: ['<rootDir>/test/src/fault/**/*.spec.ts'] },
    { ...common, displayName: 'galera', testMatch: ['<rootDir>/test/src/galera/**/*.spec.ts'] },
    { ...common, displayName: 'weapp', testMatch: ['<rootDir>/test/src/weapp/**/*.spec.ts'] },
  ],
};
