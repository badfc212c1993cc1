import { Global, Module } from '@nestjs/common';
import { SettingsService } from '../../common/settings.service';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { AuthModule } from '../auth/auth.module';
import { IdentityController } from './identity.controller';
import { IdentityService } from './identity.service';
import { PhoneVault } from './phone-vault';
import { DevSmsProvider, NoSmsProvider, SMS_PROVIDER, type SmsProvider } from './sms.provider';
import { SmsOtpService } from './sms-otp.service';
import { UnconfiguredWechat, WECHAT_API, type WechatApi } from './wechat.api';
import { HttpWechatClient } from './wechat-http.client';

const DEFAULT_WECHAT_BASE_URL = 'https://api.weixin.qq.com';

/**
 * Member identity: WeChat login, SMS one-time codes and the phone vault. Global, because joining, the card
 * and the member's own pages all check phones against it.
 */
@Global()
@Module({
  imports: [AuthModule],
  controllers: [IdentityController],
  providers: [
    PhoneVault,
    SmsOtpService,
    IdentityService,
    {
      provide: WECHAT_API,
      inject: [APP_CONFIG, SettingsService],
      useFactory: (config: AppConfig, settings: SettingsService): WechatApi => {
        const wechat = config.wechat ?? { baseUrl: DEFAULT_WECHAT_BASE_URL, appId: undefined, secret: undefined };
        const { appId, secret } = wechat;
        return appId && secret
          ? new HttpWechatClient({ ...wechat, appId, secret }, settings)
          : new UnconfiguredWechat();
      },
    },
    {
      provide: SMS_PROVIDER,
      inject: [APP_CONFIG],
      // No SMS gateway is integrated yet: only dev mode can "send" (to the log).
      useFactory: (config: AppConfig): SmsProvider => (config.dev ? new DevSmsProvider() : new NoSmsProvider()),
    },
  ],
  exports: [PhoneVault, SmsOtpService, WECHAT_API, SMS_PROVIDER],
})
export class IdentityModule {}
