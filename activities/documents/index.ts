import { defineSystem } from '../system';
import { invoiceDocumentActivities } from './invoice';
import { welcomeLetterActivities } from './welcome-letter';

/** Documents people receive, printed to PDF by Chromium and kept in the document store. */
export default defineSystem({
  name: 'documents',
  connect: (_settings, { pool, browser }) => ({
    activities: { ...welcomeLetterActivities(pool, browser), ...invoiceDocumentActivities(pool, browser) },
  }),
});
