import path from 'node:path';
import { ConfigError, loadConfig } from '../../config';
import { temporalEndpoint } from '../../infra/temporal';

describe('loadConfig', () => {
  it('defaults to embedded infrastructure in a project-local state folder', () => {
    const config = loadConfig({});
    expect(config.TEMPORAL_ADDRESS).toBeUndefined();
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.SMTP_URL).toBeUndefined();
    expect(config.CRM_URL).toBeUndefined();
    expect(config.OFFICEFLOW_STATE_DIR).toBe(path.resolve('.officeflow'));
    expect(config).toMatchObject({ TEMPORAL_NAMESPACE: 'default', TEMPORAL_PORT: 7233, TEMPORAL_UI_PORT: 8233, CRM_STANDIN_PORT: 8090 });
    expect(config.CHROME_PATH).toBe('/usr/lib/chromium/chromium-headless-shell');
  });

  it('reads configured infrastructure and splits the webhook secrets for rotation', () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_API_KEY: 'key',
      DATABASE_URL: 'postgres://u:p@db:5432/officeflow',
      SMTP_URL: 'smtps://relay.example:465',
      WEBHOOK_SECRETS: 'whsec_new, whsec_old',
    });
    expect(temporalEndpoint(config)).toMatchObject({ address: 'temporal.internal:7233', tls: true, apiKey: 'key' });
    expect(config.WEBHOOK_SECRETS).toEqual(['whsec_new', 'whsec_old']);
    expect(config.SMTP_URL).toBe('smtps://relay.example:465');
  });

  it('names every bad variable and what it must be, the systems’ own included', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://db', INTAKE_PORT: 'eighty', LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    try {
      loadConfig({ DATABASE_URL: 'mysql://db', INTAKE_PORT: 'eighty', CRM_URL: 'ftp://crm' });
      throw new Error('expected a refusal');
    } catch (error) {
      expect((error as Error).message).toMatch(/DATABASE_URL/);
      expect((error as Error).message).toMatch(/INTAKE_PORT/);
      expect((error as Error).message).toMatch(/CRM_URL/);
    }
  });

  it('refuses half a TLS client certificate, and a legacy portal without credentials', () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CERT_PATH: '/c.pem' })).toThrow(/TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH/);
    expect(() => loadConfig({ LEGACY_ERP_URL: 'https://erp.internal' })).toThrow(
      /LEGACY_ERP_URL needs LEGACY_ERP_USER and LEGACY_ERP_PASSWORD/,
    );
  });

  it('keeps the name "default" for the sender WEBHOOK_SECRETS names', () => {
    const sender = { secrets: ['whsec_c2VjcmV0'], events: ['crm.*'], sources: ['/crm'] };
    expect(() => loadConfig({ WEBHOOK_SENDERS: JSON.stringify({ default: sender }) })).toThrow(/WEBHOOK_SENDERS.*"default"/s);
    expect(loadConfig({ WEBHOOK_SENDERS: JSON.stringify({ crm: sender }) }).WEBHOOK_SENDERS.crm.events).toEqual(['crm.*']);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ TEMPORAL_ADDRESS: '', DATABASE_URL: '' }).TEMPORAL_ADDRESS).toBeUndefined();
  });
});
