import path from 'node:path';
import { ConfigError, loadConfig } from '../../config';

describe('loadConfig', () => {
  it('defaults to embedded infrastructure in a project-local state folder', () => {
    const config = loadConfig({});
    expect(config.temporal.address).toBeUndefined();
    expect(config.postgres.url).toBeUndefined();
    expect(config.mail.smtpUrl).toBeUndefined();
    expect(config.stateDir).toBe(path.resolve('.officeflow'));
    expect(config.temporal).toMatchObject({ namespace: 'default', localPort: 7233, localUiPort: 8233 });
    expect(config.chromePath).toBe('/usr/bin/chromium');
  });

  it('reads configured infrastructure and splits the webhook secrets for rotation', () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_API_KEY: 'key',
      DATABASE_URL: 'postgres://u:p@db:5432/officeflow',
      SMTP_URL: 'smtps://relay.example:465',
      WEBHOOK_SECRETS: 'whsec_new, whsec_old',
    });
    expect(config.temporal).toMatchObject({ address: 'temporal.internal:7233', tls: true, apiKey: 'key' });
    expect(config.intake.webhookSecrets).toEqual(['whsec_new', 'whsec_old']);
  });

  it('names every bad variable and what it must be', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://db', INTAKE_PORT: 'eighty', LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    try {
      loadConfig({ DATABASE_URL: 'mysql://db', INTAKE_PORT: 'eighty' });
    } catch (error) {
      expect((error as Error).message).toMatch(/DATABASE_URL/);
      expect((error as Error).message).toMatch(/INTAKE_PORT/);
    }
  });

  it('refuses half a TLS client certificate', () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CERT_PATH: '/c.pem' })).toThrow(/TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH/);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ TEMPORAL_ADDRESS: '', DATABASE_URL: '' }).temporal.address).toBeUndefined();
  });
});
