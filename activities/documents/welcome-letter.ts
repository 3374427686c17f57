import type { Pool } from 'pg';
import type { BrowserPool } from '../../infra/browser';
import type { CreditDecision, CrmAccount } from '../../workflows/customer-onboarding';
import { html } from './html';
import { printToPdf, type StoredDocument } from './store';

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
        credit.creditLimit > 0
          ? html`You may buy on account up to <b>${credit.creditLimit.toFixed(2)} ${credit.currency}</b>.`
          : html`Orders are payable in advance until a credit limit is agreed.`;
      return printToPdf(pool, browser, {
        documentKey: input.documentKey,
        filename: `welcome-${customerNumber}.pdf`,
        html: html`<!doctype html><html><head><meta charset="utf-8"><title>Welcome</title>
          <style>body{font-family:sans-serif;margin:3cm 2cm}h1{font-size:20pt}</style></head><body>
          <p>${account.companyName}<br>Attn. ${account.contactName}<br>${account.country}</p>
          <h1>Welcome, ${account.companyName}</h1>
          <p>Your customer number is <b>${customerNumber}</b>. Please quote it on every order and payment.</p>
          <p>` + terms + `</p></body></html>`,
      });
    },
  };
}
