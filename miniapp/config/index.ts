import path from 'node:path';
import { defineConfig, type UserConfigExport } from '@tarojs/cli';
import devConfig from './dev';
import { ServiceWorkerPlugin } from './service-worker';
import prodConfig from './prod';

const sharedRoot = path.resolve(__dirname, '..', '..', 'shared');

/** NutUI's styles are drawn at 375 px; our own at Taro's default 750. */
function designWidth(input?: string | number | { file?: string }): number {
  if (typeof input === 'object' && input.file?.replace(/\\+/g, '/').includes('@nutui')) {
    return 375;
  }
  return 750;
}

export default defineConfig<'webpack5'>(async (merge) => {
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'huika',
    date: '2026-11-22',
    designWidth,
    deviceRatio: {
      640: 2.34 / 2,
      750: 1,
      375: 2,
      828: 1.81 / 2,
    },
    sourceRoot: 'src',
    outputRoot: `dist/${process.env.TARO_ENV}`,
    plugins: ['@tarojs/plugin-html'],
    defineConstants: {
      API_BASE_URL: JSON.stringify(process.env.HUIKA_API_BASE_URL ?? 'http://127.0.0.1:3000'),
    },
    alias: {
      '@huika/shared': path.join(sharedRoot, 'src', 'index.ts'),
    },
    copy: {
      // The H5 app's web-app manifest and icons go to the site root; the service worker is emitted by the build
      // with its precache list (ServiceWorkerPlugin, src/member/pwa.ts).
      patterns: process.env.TARO_ENV === 'h5' ? [{ from: 'src/pwa/', to: 'dist/h5/', ignore: ['**/sw.js'] }] : [],
      options: {},
    },
    framework: 'react',
    compiler: 'webpack5',
    cache: {
      enable: false,
    },
    mini: {
      compile: {
        include: [sharedRoot],
      },
      // As on H5: every stylesheet is BEM-scoped, so the order pages import them in does not matter.
      miniCssExtractPluginOption: {
        ignoreOrder: true,
      },
      postcss: {
        pxtransform: {
          enable: true,
          config: {},
        },
        cssModules: {
          enable: false,
        },
      },
    },
    h5: {
      // Taro splits only the initial chunk on H5, so every page's bundle would carry its own copy of zod, the
      // contracts and NutUI (300 KB each); sharing what two or more chunks use makes a page load its own code only.
      webpackChain(chain) {
        const splitChunks = chain.optimization.get('splitChunks');
        if (splitChunks) {
          chain.optimization.splitChunks({ ...splitChunks, chunks: 'all', minSize: 20_000 });
        }
        chain
          .plugin('huika-service-worker')
          .use(ServiceWorkerPlugin, [
            { source: path.resolve(__dirname, '..', 'src', 'pwa', 'sw.js'), skip: ['/pages/staff/', '/src/staff/'] },
          ]);
      },
      publicPath: '/',
      staticDirectory: 'static',
      router: {
        mode: 'browser',
      },
      compile: {
        include: [sharedRoot],
      },
      output: {
        filename: 'js/[name].[contenthash:8].js',
        chunkFilename: 'js/[name].[contenthash:8].js',
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[contenthash:8].css',
      },
      postcss: {
        autoprefixer: {
          enable: true,
          config: {},
        },
        cssModules: {
          enable: false,
        },
      },
    },
  };

  if (process.env.NODE_ENV === 'development') {
    return merge({}, baseConfig, devConfig);
  }
  return merge({}, baseConfig, prodConfig);
});
