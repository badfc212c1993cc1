// A WeChat mini-program host in Node: a fresh `vm` context holding a recording `wx` stub and the framework's
// constructors (App, Page, Component, Behavior, getApp, getCurrentPages, requirePlugin), a CommonJS loader
// for the built bundles and a page simulator (instances with `setData`, lifecycles, a settle step).
// Nothing here knows the app's pages: a new page or component needs no change to this file.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { format } from 'node:util';
import vm from 'node:vm';

export interface WxCall {
  api: string;
  args: unknown[];
}

export interface WxRequest {
  url: string;
  method: string;
  header: Record<string, unknown>;
  data: unknown;
}

export interface WxResponse {
  statusCode: number;
  data: unknown;
  header?: Record<string, string>;
}

/** Answers a `wx.request`: a response, `{ errMsg }` for a network failure, or undefined for the default 404. */
export type WxResponder = (request: WxRequest) => WxResponse | { errMsg: string } | undefined;

export interface ConsoleEntry {
  level: string;
  text: string;
}

export interface Registration {
  kind: 'App' | 'Page' | 'Component' | 'Behavior';
  /** The bundle being evaluated when the constructor was called, relative to the root, with `/`. */
  file: string;
  config: Record<string, unknown>;
}

export interface SandboxOptions {
  respond?: WxResponder;
  /** Initial `wx` storage. */
  storage?: Record<string, unknown>;
}

export interface LaunchOptions {
  path: string;
  query?: Record<string, string>;
  scene?: number;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

type AnyFunction = (...args: unknown[]) => unknown;

/** Warning Taro's API layer prints (`nonsupport`) when the app calls an API the host does not have. */
export const UNSUPPORTED_API_WARNING = /小程序暂不支持/;

const SYSTEM = {
  brand: 'devtools',
  model: 'iPhone 12/13 (Pro)',
  pixelRatio: 3,
  screenWidth: 390,
  screenHeight: 844,
  windowWidth: 390,
  windowHeight: 753,
  statusBarHeight: 47,
  language: 'zh_CN',
  version: '8.0.50',
  system: 'iOS 16.0',
  platform: 'devtools',
  fontSizeSetting: 16,
  SDKVersion: '3.5.0',
  benchmarkLevel: 1,
  theme: 'light',
  enableDebug: false,
  safeArea: { left: 0, right: 390, top: 47, bottom: 810, width: 390, height: 763 },
  host: { env: 'WeChat' },
};

const MENU_BUTTON = { width: 87, height: 32, top: 51, right: 380, bottom: 83, left: 293 };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isFunction(value: unknown): value is AnyFunction {
  return typeof value === 'function';
}

function toJson(value: unknown): Json {
  return JSON.parse(JSON.stringify(value ?? null)) as Json;
}

/** Sets `value` at a `setData` path such as `root.cn.[0].cn[2].v`, creating objects and arrays on the way. */
export function setAtPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = [...path.matchAll(/\[(\d+)\]|[^.[\]]+/g)].map((match) =>
    match[1] === undefined ? match[0] : Number(match[1]),
  );
  let node: Record<string | number, unknown> = target;
  keys.forEach((key, index) => {
    if (index === keys.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    if (isRecord(next)) {
      node = next as Record<string | number, unknown>;
    } else {
      const created = (typeof keys[index + 1] === 'number' ? [] : {}) as Record<string | number, unknown>;
      node[key] = created;
      node = created;
    }
  });
}

/**
 * The text nodes in a page's data, depth first. Taro's template data keeps a text node's content under `v`
 * (its `Shortcuts.Text`); element nodes carry `nn` (node name), `sid`, `cl` (class) and `cn` (children).
 */
export function textNodes(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) {
    value.forEach((item) => textNodes(item, found));
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'v' && typeof item === 'string') {
        found.push(item);
      } else {
        textNodes(item, found);
      }
    }
  }
  return found;
}

/** A page (or a Component used as a page) as the simulator instantiated it. */
export class PageHandle {
  /** Every `setData` payload, in order, as JSON. */
  readonly setDataCalls: Json[] = [];

  constructor(
    readonly route: string,
    readonly registration: Registration,
    readonly instance: Record<string, unknown>,
  ) {}

  get data(): Record<string, unknown> {
    const data = this.instance.data;
    return isRecord(data) ? data : {};
  }

  /** Calls a lifecycle or method if the page defines it; returns whether it did. */
  call(name: string, ...args: unknown[]): boolean {
    const method = this.instance[name];
    if (!isFunction(method)) {
      return false;
    }
    method.apply(this.instance, args);
    return true;
  }

  /** The JSON of every `setData` payload, for plain text search. */
  payloadText(): string {
    return JSON.stringify(this.setDataCalls);
  }

  /** The text the page shows now: the text nodes of its current data, after every `setData` so far. */
  currentText(): string[] {
    return textNodes(this.data);
  }
}

interface Timer {
  handle: NodeJS.Timeout;
  delay: number;
  repeat: boolean;
}

/**
 * One launch of the mini-program: its own `vm` context, module cache, `wx` state and registrations.
 * Call `dispose()` when done so no timer outlives the test.
 */
export class MiniProgramSandbox {
  readonly registrations: Registration[] = [];
  readonly consoleEntries: ConsoleEntry[] = [];
  /**
   * Errors thrown by timer and `wx` callbacks, described. Unhandled promise rejections are not collected here:
   * Jest's own handler fails the running test with them (a test's `process` is Jest's copy, so a listener on
   * it would never hear them).
   */
  readonly errors: string[] = [];
  readonly wxCalls: WxCall[] = [];
  readonly requests: WxRequest[] = [];
  readonly storage = new Map<string, unknown>();
  readonly pageStack: PageHandle[] = [];
  /** Listeners the app subscribed with `wx.onAppShow`, `wx.onError`, ..., by event (`appShow`, `error`, ...). */
  readonly listeners = new Map<string, unknown[]>();
  readonly wx: Record<string, unknown>;

  private readonly context: vm.Context;
  private readonly realmParse: (text: string) => unknown;
  private readonly modules = new Map<string, { exports: unknown }>();
  private readonly loading: string[] = [];
  private readonly timers = new Map<number, Timer>();
  private readonly respond: WxResponder;
  private nextTimerId = 1;
  private launchOptions: Record<string, unknown> = { path: '', query: {}, scene: 1001, referrerInfo: {} };

  constructor(
    readonly rootDir: string,
    options: SandboxOptions = {},
  ) {
    this.respond = options.respond ?? (() => undefined);
    Object.entries(options.storage ?? {}).forEach(([key, value]) => this.storage.set(key, value));
    this.wx = this.createWx();
    this.context = vm.createContext({
      wx: this.wx,
      console: this.createConsole(),
      App: (config: unknown) => this.register('App', config),
      Page: (config: unknown) => this.register('Page', config),
      Component: (config: unknown) => this.register('Component', config),
      Behavior: (config: unknown) => {
        this.register('Behavior', config);
        return config;
      },
      getApp: () => this.app()?.config,
      getCurrentPages: () => this.pageStack.map((page) => page.instance),
      requirePlugin: (name: unknown) => {
        throw new Error(`requirePlugin(${String(name)}): no plugins in the weapp smoke test`);
      },
      setTimeout: (callback: unknown, delay?: unknown, ...args: unknown[]) =>
        this.startTimer(callback, delay, args, false),
      setInterval: (callback: unknown, delay?: unknown, ...args: unknown[]) =>
        this.startTimer(callback, delay, args, true),
      clearTimeout: (id: unknown) => this.stopTimer(id),
      clearInterval: (id: unknown) => this.stopTimer(id),
    });
    this.realmParse = vm.runInContext('JSON.parse', this.context) as (text: string) => unknown;
  }

  /** Evaluates a bundle (path relative to the root, `.js` optional) as WeChat's app service does; cached. */
  load(file: string): unknown {
    return this.guard(`loading ${file}`, () =>
      this.requireFrom(this.rootDir, file.startsWith('.') || file.startsWith('/') ? file : `./${file}`),
    );
  }

  /** `Name: message (at fn (file:line:col))` with the innermost bundle frame, relative to the root. */
  describe(error: unknown): string {
    if (!isRecord(error) || typeof error.message !== 'string') {
      return format(error);
    }
    const name = typeof error.name === 'string' ? error.name : 'Error';
    const frame = String(error.stack ?? '')
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line.startsWith('at ') && line.includes(this.rootDir));
    return `${name}: ${error.message}${frame ? ` (${frame.split(this.rootDir + sep).join('')})` : ''}`;
  }

  app(): Registration | undefined {
    return this.registrations.find((registration) => registration.kind === 'App');
  }

  /** Registrations of Page or Component made while evaluating `<route>.js`. */
  registrationsOf(route: string): Registration[] {
    return this.registrations.filter((registration) => registration.file === `${route}.js`);
  }

  /** Runs the App's onLaunch and onShow with WeChat-like launch options. */
  launch({ path, query = {}, scene = 1001 }: LaunchOptions): void {
    this.launchOptions = { path, query, scene, referrerInfo: {} };
    const app = this.app();
    if (!app) {
      throw new Error('App() was never called: load app.js first');
    }
    for (const name of ['onLaunch', 'onShow']) {
      const hook = app.config[name];
      if (isFunction(hook)) {
        this.guard(`App ${name}`, () => hook.call(app.config, this.toRealm(this.launchOptions)));
      }
    }
  }

  /**
   * Instantiates the page registered by `<route>.js` as WeChat would (own copy of the config's methods and
   * data, `route`, `setData`), pushes it on the page stack and runs onLoad, onShow and onReady.
   */
  openPage(route: string, query: Record<string, string> = {}): PageHandle {
    const registration = this.registrationsOf(route).find(
      (found) => found.kind === 'Page' || found.kind === 'Component',
    );
    if (!registration) {
      throw new Error(`${route}.js registered no Page or Component`);
    }
    const { config } = registration;
    const instance: Record<string, unknown> = {};
    const methods = registration.kind === 'Component' && isRecord(config.methods) ? config.methods : config;
    for (const key of Object.keys(methods)) {
      if (key !== 'data') {
        instance[key] = methods[key];
      }
    }
    const page = new PageHandle(route, registration, instance);
    Object.assign(instance, {
      data: this.toRealm(isRecord(config.data) ? config.data : {}),
      route,
      __route__: route,
      options: this.toRealm(query),
      __wxWebviewId__: this.pageStack.length + 1,
      __wxExparserNodeId__: `page-${this.pageStack.length + 1}`,
      setData: (payload: unknown, callback?: unknown) => {
        if (!isRecord(payload)) {
          throw new TypeError('setData expects an object');
        }
        const json = toJson(payload);
        page.setDataCalls.push(json);
        for (const [path, value] of Object.entries(json as Record<string, Json>)) {
          setAtPath(page.data, path, this.toRealm(value));
        }
        if (isFunction(callback)) {
          this.defer(() => callback.call(instance));
        }
      },
      createSelectorQuery: () => this.selectorQuery(),
      selectComponent: () => null,
      selectAllComponents: () => [],
      getOpenerEventChannel: () => ({ emit() {}, on() {}, once() {}, off() {} }),
    });
    this.pageStack.push(page);
    if (registration.kind === 'Component') {
      const lifetimes = isRecord(config.lifetimes) ? config.lifetimes : config;
      for (const name of ['created', 'attached']) {
        const hook = lifetimes[name];
        if (isFunction(hook)) {
          this.guard(`${route} ${name}`, () => hook.call(instance));
        }
      }
    }
    this.guard(`${route} onLoad`, () => page.call('onLoad', this.toRealm(query)));
    this.guard(`${route} onShow`, () => page.call('onShow'));
    this.guard(`${route} onReady`, () => page.call('onReady'));
    return page;
  }

  /**
   * Waits until no timer due within `horizonMs` is pending (React's scheduler, setData callbacks, `wx` answers)
   * for a few event-loop turns. Longer timers and intervals (refresh loops) do not hold it up.
   */
  async settle({ timeoutMs = 5_000, horizonMs = 100 }: { timeoutMs?: number; horizonMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let quietTurns = 0;
    while (quietTurns < 3) {
      await new Promise<void>((done) => setImmediate(done));
      const busy = [...this.timers.values()].some((timer) => !timer.repeat && timer.delay <= horizonMs);
      quietTurns = busy ? 0 : quietTurns + 1;
      if (Date.now() > deadline) {
        throw new Error(`the mini-program did not settle within ${timeoutMs} ms (${this.timers.size} timers pending)`);
      }
    }
  }

  /** Console output at these levels, formatted. */
  consoleAt(...levels: string[]): string[] {
    return this.consoleEntries.filter((entry) => levels.includes(entry.level)).map((entry) => entry.text);
  }

  dispose(): void {
    this.timers.forEach((timer) => clearTimeout(timer.handle));
    this.timers.clear();
  }

  /** Clones JSON-like data into the app's realm, as WeChat's bridge hands it over. */
  toRealm(value: unknown): unknown {
    return value === undefined ? undefined : this.realmParse(JSON.stringify(value));
  }

  /**
   * Runs bundle code, turning what it throws into a short host error naming the bundle frame: Jest would
   * otherwise print a code frame of a whole minified line.
   */
  private guard<T>(what: string, run: () => T): T {
    try {
      return run();
    } catch (error) {
      const short = new Error(`${what} threw ${this.describe(error)}`);
      short.stack = short.message;
      throw short;
    }
  }

  private register(kind: Registration['kind'], config: unknown): void {
    if (!isRecord(config)) {
      throw new TypeError(`${kind}() expects an object`);
    }
    const current = this.loading[this.loading.length - 1];
    const file = current === undefined ? '<none>' : relative(this.rootDir, current).split(sep).join('/');
    this.registrations.push({ kind, file, config });
  }

  private resolveModule(fromDir: string, specifier: string): string {
    if (!specifier.startsWith('.') && !specifier.startsWith('/')) {
      throw new Error(`cannot require "${specifier}" from ${fromDir}: a weapp bundle may only require its own files`);
    }
    const base = specifier.startsWith('/') ? join(this.rootDir, specifier) : resolve(fromDir, specifier);
    const candidates = [base, `${base}.js`, join(base, 'index.js')];
    const found = candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
    if (!found) {
      throw new Error(`cannot find module "${specifier}" from ${fromDir}`);
    }
    if (relative(this.rootDir, found).startsWith('..')) {
      throw new Error(`"${specifier}" from ${fromDir} resolves outside the mini-program root`);
    }
    return found;
  }

  private requireFrom(fromDir: string, specifier: string): unknown {
    const file = this.resolveModule(fromDir, specifier);
    const cached = this.modules.get(file);
    if (cached) {
      return cached.exports;
    }
    const module = { exports: {} as unknown };
    this.modules.set(file, module);
    const source = readFileSync(file, 'utf8');
    const wrapper = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
      filename: file,
    }).runInContext(this.context) as AnyFunction;
    const localRequire = (next: unknown): unknown => this.requireFrom(dirname(file), String(next));
    this.loading.push(file);
    try {
      wrapper.call(module.exports, module.exports, localRequire, module, file, dirname(file));
    } catch (error) {
      this.modules.delete(file);
      throw error;
    } finally {
      this.loading.pop();
    }
    return module.exports;
  }

  private startTimer(callback: unknown, delay: unknown, args: unknown[], repeat: boolean): number {
    if (!isFunction(callback)) {
      throw new TypeError('the weapp smoke test only runs function timers');
    }
    const id = this.nextTimerId++;
    const ms = Math.max(0, Number(delay) || 0);
    const run = (): void => {
      if (!repeat) {
        this.timers.delete(id);
      }
      try {
        callback(...args);
      } catch (error) {
        this.errors.push(`timer callback threw ${this.describe(error)}`);
      }
    };
    const handle = repeat ? setInterval(run, ms) : setTimeout(run, ms);
    this.timers.set(id, { handle, delay: ms, repeat });
    return id;
  }

  private stopTimer(id: unknown): void {
    const timer = typeof id === 'number' ? this.timers.get(id) : undefined;
    if (timer) {
      clearTimeout(timer.handle);
      this.timers.delete(id as number);
    }
  }

  /** Runs `callback` on a later turn, as WeChat answers asynchronous APIs. */
  private defer(callback: () => void): void {
    this.startTimer(callback, 0, [], false);
  }

  private createConsole(): Record<string, AnyFunction> {
    const levels = ['log', 'info', 'debug', 'warn', 'error', 'trace', 'group', 'groupCollapsed', 'table', 'dir'];
    const sandboxConsole: Record<string, AnyFunction> = { groupEnd: () => undefined, time: () => undefined };
    sandboxConsole.timeEnd = () => undefined;
    for (const level of levels) {
      sandboxConsole[level] = (...args: unknown[]) => {
        this.consoleEntries.push({ level, text: format(...args) });
      };
    }
    return sandboxConsole;
  }

  /** Calls `success` (or `fail`) and `complete` of an options object on a later turn. */
  private answer(api: string, options: unknown, result: Record<string, unknown>, failed = false): void {
    const callbacks = isRecord(options) ? options : {};
    const payload = this.toRealm({ errMsg: `${api}:${failed ? 'fail' : 'ok'}`, ...result });
    this.defer(() => {
      const outcome = callbacks[failed ? 'fail' : 'success'];
      const complete = callbacks.complete;
      if (isFunction(outcome)) {
        outcome(payload);
      }
      if (isFunction(complete)) {
        complete(payload);
      }
    });
  }

  private selectorQuery(): Record<string, unknown> {
    const queued: unknown[] = [];
    const query: Record<string, unknown> = {};
    const nodesRef = (): Record<string, unknown> => {
      const collect =
        (result: unknown) =>
        (callback?: unknown): Record<string, unknown> => {
          queued.push(result);
          if (isFunction(callback)) {
            this.defer(() => callback(this.toRealm(result)));
          }
          return query;
        };
      return {
        boundingClientRect: collect({ id: '', dataset: {}, left: 0, right: 0, top: 0, bottom: 0, width: 0, height: 0 }),
        scrollOffset: collect({ id: '', dataset: {}, scrollLeft: 0, scrollTop: 0, scrollWidth: 0, scrollHeight: 0 }),
        fields: collect(null),
        node: collect(null),
        context: collect(null),
      };
    };
    Object.assign(query, {
      in: () => query,
      select: nodesRef,
      selectAll: nodesRef,
      selectViewport: nodesRef,
      exec: (callback?: unknown) => {
        if (isFunction(callback)) {
          this.defer(() => callback(this.toRealm(queued)));
        }
      },
    });
    return query;
  }

  private request(options: unknown): Record<string, unknown> {
    const given = isRecord(options) ? options : {};
    const request: WxRequest = {
      url: String(given.url ?? ''),
      method: String(given.method ?? 'GET').toUpperCase(),
      header: isRecord(given.header) ? { ...given.header } : {},
      data: given.data === undefined ? undefined : toJson(given.data),
    };
    this.requests.push(request);
    const answer = this.respond(request) ?? {
      statusCode: 404,
      data: { code: 'NOT_FOUND', message: `the weapp stub has no answer for ${request.method} ${request.url}` },
    };
    if ('errMsg' in answer) {
      this.answer('request', options, { errMsg: answer.errMsg }, true);
    } else {
      this.answer('request', options, {
        statusCode: answer.statusCode,
        data: answer.data,
        header: answer.header ?? { 'content-type': 'application/json; charset=utf-8' },
        cookies: [],
      });
    }
    return { abort() {}, onHeadersReceived() {}, offHeadersReceived() {}, onChunkReceived() {}, offChunkReceived() {} };
  }

  private createWx(): Record<string, unknown> {
    const sync =
      (value: () => unknown): AnyFunction =>
      () =>
        this.toRealm(value());
    const ok =
      (api: string, result: (options: Record<string, unknown>) => Record<string, unknown> = () => ({})): AnyFunction =>
      (options?: unknown) =>
        this.answer(api, options, result(isRecord(options) ? options : {}));
    const on =
      (event: string): AnyFunction =>
      (listener?: unknown) => {
        this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
      };
    const off =
      (event: string): AnyFunction =>
      (listener?: unknown) => {
        this.listeners.set(
          event,
          listener === undefined ? [] : (this.listeners.get(event) ?? []).filter((found) => found !== listener),
        );
      };
    const windowInfo = (): unknown => {
      const { pixelRatio, screenWidth, screenHeight, windowWidth, windowHeight, statusBarHeight, safeArea } = SYSTEM;
      return {
        pixelRatio,
        screenWidth,
        screenHeight,
        windowWidth,
        windowHeight,
        statusBarHeight,
        safeArea,
        screenTop: 0,
      };
    };
    const storageKey = (options: Record<string, unknown>): string => String(options.key);

    const apis: Record<string, AnyFunction> = {
      // Device and app information.
      getSystemInfoSync: sync(() => SYSTEM),
      getSystemInfo: ok('getSystemInfo', () => SYSTEM),
      getSystemInfoAsync: ok('getSystemInfoAsync', () => SYSTEM),
      getWindowInfo: sync(windowInfo),
      getDeviceInfo: sync(() => ({
        abi: 'arm64',
        benchmarkLevel: SYSTEM.benchmarkLevel,
        brand: SYSTEM.brand,
        model: SYSTEM.model,
        platform: SYSTEM.platform,
        system: SYSTEM.system,
      })),
      getAppBaseInfo: sync(() => ({
        SDKVersion: SYSTEM.SDKVersion,
        enableDebug: false,
        host: SYSTEM.host,
        language: SYSTEM.language,
        version: SYSTEM.version,
        theme: SYSTEM.theme,
        fontSizeSetting: SYSTEM.fontSizeSetting,
      })),
      getSystemSetting: sync(() => ({ bluetoothEnabled: false, locationEnabled: false, wifiEnabled: true })),
      getAppAuthorizeSetting: sync(() => ({ cameraAuthorized: 'not determined', albumAuthorized: 'not determined' })),
      getAccountInfoSync: sync(() => ({ miniProgram: { appId: 'touristappid', envVersion: 'develop', version: '' } })),
      getLaunchOptionsSync: sync(() => this.launchOptions),
      getEnterOptionsSync: sync(() => this.launchOptions),
      getMenuButtonBoundingClientRect: sync(() => MENU_BUTTON),
      canIUse: () => true,
      nextTick: (callback?: unknown) => {
        if (isFunction(callback)) {
          this.defer(() => callback());
        }
      },
      // Storage.
      getStorageSync: (key?: unknown) => this.toRealm(this.storage.get(String(key)) ?? ''),
      setStorageSync: (key?: unknown, value?: unknown) => {
        this.storage.set(String(key), toJson(value));
      },
      removeStorageSync: (key?: unknown) => {
        this.storage.delete(String(key));
      },
      clearStorageSync: () => this.storage.clear(),
      getStorageInfoSync: sync(() => ({ keys: [...this.storage.keys()], currentSize: 0, limitSize: 10240 })),
      getStorage: (options?: unknown) => {
        const given = isRecord(options) ? options : {};
        const key = storageKey(given);
        const found = this.storage.has(key);
        this.answer(
          'getStorage',
          options,
          found ? { data: this.storage.get(key) } : { errMsg: 'getStorage:fail data not found' },
          !found,
        );
      },
      setStorage: ok('setStorage', (options) => {
        this.storage.set(storageKey(options), toJson(options.data));
        return {};
      }),
      removeStorage: ok('removeStorage', (options) => {
        this.storage.delete(storageKey(options));
        return {};
      }),
      clearStorage: ok('clearStorage', () => {
        this.storage.clear();
        return {};
      }),
      // Network.
      request: (options?: unknown) => this.request(options),
      getNetworkType: ok('getNetworkType', () => ({ networkType: 'wifi' })),
      // Interface.
      showToast: ok('showToast'),
      hideToast: ok('hideToast'),
      showLoading: ok('showLoading'),
      hideLoading: ok('hideLoading'),
      showModal: ok('showModal', () => ({ confirm: true, cancel: false })),
      showActionSheet: ok('showActionSheet', () => ({ tapIndex: 0 })),
      setNavigationBarTitle: ok('setNavigationBarTitle'),
      setNavigationBarColor: ok('setNavigationBarColor'),
      showNavigationBarLoading: ok('showNavigationBarLoading'),
      hideNavigationBarLoading: ok('hideNavigationBarLoading'),
      setBackgroundColor: ok('setBackgroundColor'),
      setBackgroundTextStyle: ok('setBackgroundTextStyle'),
      startPullDownRefresh: ok('startPullDownRefresh'),
      stopPullDownRefresh: ok('stopPullDownRefresh'),
      pageScrollTo: ok('pageScrollTo'),
      vibrateShort: ok('vibrateShort'),
      setClipboardData: ok('setClipboardData'),
      setKeepScreenOn: ok('setKeepScreenOn'),
      setScreenBrightness: ok('setScreenBrightness'),
      getScreenBrightness: ok('getScreenBrightness', () => ({ value: 0.5 })),
      createSelectorQuery: () => this.selectorQuery(),
      createIntersectionObserver: () => {
        const observer: Record<string, unknown> = {};
        Object.assign(observer, {
          relativeTo: () => observer,
          relativeToViewport: () => observer,
          observe: () => undefined,
          disconnect: () => undefined,
        });
        return observer;
      },
      // Navigation: recorded and acknowledged; the simulator does not switch pages by itself.
      navigateTo: ok('navigateTo'),
      redirectTo: ok('redirectTo'),
      reLaunch: ok('reLaunch'),
      switchTab: ok('switchTab'),
      navigateBack: ok('navigateBack'),
      // Open capabilities.
      login: ok('login', () => ({ code: 'weapp-smoke-test-code' })),
      checkSession: ok('checkSession'),
      getSetting: ok('getSetting', () => ({ authSetting: {} })),
      scanCode: (options?: unknown) => this.answer('scanCode', options, { errMsg: 'scanCode:fail cancel' }, true),
      // App events.
      onAppShow: on('appShow'),
      offAppShow: off('appShow'),
      onAppHide: on('appHide'),
      offAppHide: off('appHide'),
      onError: on('error'),
      offError: off('error'),
      onUnhandledRejection: on('unhandledRejection'),
      offUnhandledRejection: off('unhandledRejection'),
      onPageNotFound: on('pageNotFound'),
      offPageNotFound: off('pageNotFound'),
      onWindowResize: on('windowResize'),
      offWindowResize: off('windowResize'),
      onNetworkStatusChange: on('networkStatusChange'),
      offNetworkStatusChange: off('networkStatusChange'),
      onMemoryWarning: on('memoryWarning'),
      offMemoryWarning: off('memoryWarning'),
    };

    // Taro wraps every own key of `wx` once, when taro.js loads: the stub must be a plain object of functions.
    const wx: Record<string, unknown> = { env: { USER_DATA_PATH: 'wxfile://usr' } };
    for (const [api, implementation] of Object.entries(apis)) {
      wx[api] = (...args: unknown[]) => {
        this.wxCalls.push({ api, args });
        return implementation(...args);
      };
    }
    return wx;
  }
}
