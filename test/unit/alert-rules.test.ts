import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * The compose stack's alerting, checked with Prometheus's and Alertmanager's own tools (scripts/bootstrap.sh installs
 * them): the scrape configuration and its rules load, each rule fires on the series meant to fire it and on no other
 * (deploy/prometheus/alerts.test.yml), and Alertmanager's routing loads. That the series exist on a real engine is
 * checked by the metrics test.
 */
const run = promisify(execFile);
const deploy = path.join(__dirname, '../../deploy');

it('loads the scrape configuration with its alerting rules', async () => {
  const { stdout } = await run('promtool', ['check', 'config', 'prometheus.yml'], { cwd: path.join(deploy, 'prometheus') });
  expect(stdout).toContain('SUCCESS: 5 rules found');
});

it('fires each alert on the series that should fire it, and resolves it', async () => {
  const { stdout } = await run('promtool', ['test', 'rules', 'alerts.test.yml'], { cwd: path.join(deploy, 'prometheus') });
  expect(stdout).toContain('SUCCESS');
});

it('loads Alertmanager’s routing', async () => {
  const { stdout } = await run('amtool', ['check-config', path.join(deploy, 'alertmanager/alertmanager.yml')]);
  expect(stdout).toContain('SUCCESS');
});
