/** The part of `mt940js` (which ships no types) that officeflow reads: see its README. */
declare module 'mt940js' {
  export interface Transaction {
    /** UTC midnight of the value date. */
    date: Date;
    /** UTC midnight of the entry (booking) date, or '' where the line has none. */
    entryDate: Date | '';
    /** Signed: credits positive, debits negative. */
    amount: number;
    isReversal: boolean;
    currency: string;
    /** Field 86, lines joined with `\n`. */
    details: string;
    /** The SWIFT transaction type (`NTRF`, `NCHG`, …). */
    transactionType: string;
    /** The account owner's reference (`NONREF` where none). */
    reference: string;
    bankReference: string;
    structuredDetails?: Record<string, string>;
  }
  export interface Statement {
    transactionReference: string;
    accountIdentification: string;
    number: { statement: string; sequence?: string; section?: string };
    currency: string;
    transactions: Transaction[];
  }
  export class Parser {
    constructor(options?: { no86Structure?: boolean });
    parse(data: string, withTags?: boolean): Statement[];
  }
}
