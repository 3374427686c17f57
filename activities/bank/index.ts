import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { commaList } from '../../config/fields';
import { company } from '../../config/company';
import { defineSystem } from '../system';
import { paymentAllocation } from './allocation';
import { normalizeAccount } from './lines';
import { paymentMatching } from './matching';

/** The bank's settings: which accounts are ours, where statements arrive, which schemas check them. */
export const BankSettings = z.object({
  /** Our accounts (IBANs) whose statements officeflow takes, besides the company's own (`config/company.ts`). */
  BANK_ACCOUNTS: commaList.transform((accounts) => [...new Set([company.iban, ...accounts].map(normalizeAccount))]),
  /** A folder the intake watches for statement files (camt.053/054, MT940) the bank's software drops there. */
  BANK_STATEMENT_DIR: z.string().min(1).optional(),
  /** ISO 20022 schemas (`camt.053.001.02.xsd`, …) besides those officeflow fetches, to check statements against. */
  BANK_SCHEMAS_DIR: z.string().min(1).optional(),
});
export type BankSettings = z.infer<typeof BankSettings>;

/**
 * The bank: statements come in at the intake (`activities/bank/statements.ts`); cash application matches each payment
 * to open invoices and applies it, here, in PostgreSQL.
 */
export default defineSystem({
  name: 'bank',
  settings: BankSettings,
  connect: (_settings, { pool }) => ({
    activities: { ...paymentMatching(pool), ...paymentAllocation(pool) },
  }),
  // Locally, the bank drops its statements into a folder of the state folder (the demo's bank does).
  standIn: {
    needed: (settings) => !settings.BANK_STATEMENT_DIR,
    async start(_settings, { stateDir }) {
      const dir = path.join(stateDir, STATEMENT_FOLDER);
      mkdirSync(dir, { recursive: true });
      return {
        settings: { BANK_STATEMENT_DIR: dir },
        shown: { label: 'Bank statements', value: `drop camt.053/054 or MT940 files into ${dir}` },
        stop: async () => undefined,
      };
    },
  },
});

/** The local bank's statement folder, in the state folder. */
export const STATEMENT_FOLDER = 'bank-statements';
