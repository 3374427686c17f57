import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { commaList } from '../../config/fields';
import { company } from '../../config/company';
import { defineSystem } from '../system';
import { paymentAllocation } from './allocation';
import { cardRefunds } from './card-refunds';
import { normalizeAccount } from './lines';
import { paymentMatching } from './matching';
import { refundRuns } from './refund-runs';

/** The bank's settings: which accounts are ours, where statements arrive, which schemas check them. */
export const BankSettings = z.object({
  /** Our accounts (IBANs) whose statements officeflow takes, besides the company's own (`config/company.ts`). */
  BANK_ACCOUNTS: commaList.transform((accounts) => [...new Set([company.iban, ...accounts].map(normalizeAccount))]),
  /** A folder the intake watches for statement files (camt.053/054, MT940) the bank's software drops there. */
  BANK_STATEMENT_DIR: z.string().min(1).optional(),
  /** ISO 20022 schemas (`camt.053.001.02.xsd`, …) besides those officeflow fetches, to check statements against. */
  BANK_SCHEMAS_DIR: z.string().min(1).optional(),
  /** A folder released payment files (refund runs' pain.001) are written to, for the bank's software to send. */
  BANK_PAYMENT_DIR: z.string().min(1).optional(),
});
export type BankSettings = z.infer<typeof BankSettings>;

/**
 * The bank: statements come in at the intake (`web/bank/statements.ts`); cash application matches each payment to open
 * invoices and applies it, here, in PostgreSQL; refunds go out as credit transfer files the bank's software sends, and
 * card refunds are booked against the invoices they paid back.
 */
export default defineSystem({
  name: 'bank',
  settings: BankSettings,
  connect: (settings, { pool, log }) => ({
    activities: {
      ...paymentMatching(pool),
      ...paymentAllocation(pool),
      ...refundRuns(pool, { paymentDir: settings.BANK_PAYMENT_DIR, schemasDir: settings.BANK_SCHEMAS_DIR, log }),
      ...cardRefunds(pool),
    },
  }),
  // Locally, the bank drops its statements into a folder of the state folder (the demo's bank does), and takes payment
  // files from another.
  standIn: {
    needed: (settings) => !settings.BANK_STATEMENT_DIR || !settings.BANK_PAYMENT_DIR,
    async start(settings, { stateDir }) {
      const statements = settings.BANK_STATEMENT_DIR ?? path.join(stateDir, STATEMENT_FOLDER);
      const payments = settings.BANK_PAYMENT_DIR ?? path.join(stateDir, PAYMENT_FOLDER);
      for (const dir of [statements, payments]) mkdirSync(dir, { recursive: true });
      return {
        settings: { BANK_STATEMENT_DIR: statements, BANK_PAYMENT_DIR: payments },
        shown: { label: 'Bank', value: `statements: drop camt.053/054 or MT940 files into ${statements}; refunds leave in ${payments}` },
        stop: async () => undefined,
      };
    },
  },
});

/** The local bank's statement folder, in the state folder. */
export const STATEMENT_FOLDER = 'bank-statements';
/** The local bank's folder of payment files to send, in the state folder. */
export const PAYMENT_FOLDER = 'bank-payments';
