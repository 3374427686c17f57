import type { Pool } from 'pg';
import type { CreditDecision, CrmAccount } from '../../contracts/customer';
import type { StoredDocument } from '../../contracts/documents';
import { formatMoney } from '../../contracts/money';
import type { BrowserPool } from '../../infra/browser';
import { whileBeating } from '../heartbeat';
import { html } from './html';
import { printToPdf } from './store';

export function welcomeLetterActivities(pool: Pool, browser: BrowserPool) {
  return {
    /** The welcome letter that states the new customer's number and credit terms, as a PDF. */
    async printWelcomeLetter(input: {
      documentKey: string;
      customerNumber: string;
      account: CrmAccount;
      credit: CreditDecision;
    }): Promise<StoredDocument> {
      const { account, credit, customerNumber } = input;
      const terms =
        credit.creditLimit.amount > 0
          ? html`You may buy on account up to <b>${formatMoney(credit.creditLimit)}</b>.`
          : html`Orders are payable in advance until a credit limit is agreed.`;
      return whileBeating(() =>
        printToPdf(pool, browser, {
          documentKey: input.documentKey,
          filename: `welcome-${customerNumber}.pdf`,
          html: html`<!doctype html>
            <html>
              <head>
                <meta charset="utf-8" />
                <title>Welcome</title>
                <style>
                  body {
                    font-family: sans-serif;
                    margin: 3cm 2cm;
                  }
                  h1 {
                    font-size: 20pt;
                  }
                </style>
              </head>
              <body>
                <p>${account.companyName}<br />Attn. ${account.contactName}<br />${account.country}</p>
                <h1>Welcome, ${account.companyName}</h1>
                <p>Your customer number is <b>${customerNumber}</b>. Please quote it on every order and payment.</p>
                <p>${terms}</p>
              </body>
            </html>`,
        }),
      );
    },
  };
}
