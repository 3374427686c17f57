import { type DemoStage, playDemo } from '../../cli/demo';
import { processes } from '../../definitions';
import { type TestEngine, startTestEngine, uniqueId } from '../support/engine';
import { demoStageOf } from '../support/vendors';

let engine: TestEngine;
let stage: DemoStage;
beforeAll(async () => {
  engine = await startTestEngine();
  // The customer pays by transfer: the engine's bank drops the statement into its folder.
  stage = demoStageOf(engine, { bankFolder: engine.settings.BANK_STATEMENT_DIR });
});
afterAll(() => engine.stop());

// `npm run demo` plays every process in the registry this way: a process whose demo cannot end fails here, not there.
it.each(processes.map((process) => [process.name, process] as const))(
  '%s: the demo plays a run to its end or to where it rests, as its definition says',
  async (_name, process) => {
    const { outcome } = await playDemo(process, stage, { businessKey: uniqueId('DEMO') });
    expect(outcome).toMatch(
      process.demo.restsAt ? new RegExp(`^(finished|${Object.values(process.demo.restsAt).join('|')})`) : /^finished/,
    );
  },
  120_000,
);

it('stops with the step a run rests at when the demo does not say what happens there', async () => {
  const contracts = processes.find((process) => process.name === 'contract-approval')!;
  const unplayed = { ...contracts, demo: { ...contracts.demo, plays: {} } };
  await expect(playDemo(unplayed, stage, { businessKey: uniqueId('DEMO') })).rejects.toThrow(
    /contract-approval's demo does not say what happens at step "awaiting-signature" \(waiting on Customer\)/,
  );
}, 120_000);
