import { z } from 'zod';
import { businessKey, countryCode, currencyCode, duration, email, label, plainText } from './fields';
import { Money, decimalAmount, inMinorUnits } from './money';

/** A calendar date, `YYYY-MM-DD`. */
const calendarDate = z.iso.date('must be a date such as 2027-01-04');

/**
 * A new hire as the applicant-tracking system reports an accepted offer. Legal name, personal e-mail and salary are
 * personal data: they travel encrypted through Temporal and never appear in search attributes or logs.
 */
export const NewHire = z.object({
  candidateId: businessKey,
  legalName: label,
  personalEmail: email,
  role: label,
  department: label,
  managerEmail: email,
  startDate: calendarDate,
  /** Where the employee works, which decides the payroll. */
  country: countryCode,
  /** Yearly gross salary. */
  salary: Money,
});
export type NewHire = z.infer<typeof NewHire>;

/** `hr.offer.accepted`, as the applicant-tracking system sends it: the salary as a decimal of its currency. */
export const OfferAccepted = NewHire.omit({ salary: true })
  .extend({ salary: decimalAmount, currency: currencyCode })
  .transform(({ salary, currency, ...hire }, ctx) => ({ ...hire, salary: inMinorUnits(salary, currency, ctx, ['salary']) }));

export const OfferRescinded = z.object({ candidateId: businessKey, reason: plainText(1000).min(1) });
export type OfferRescinded = z.infer<typeof OfferRescinded>;

export const EquipmentDelivered = z.object({ candidateId: businessKey, deliveryId: businessKey });
export type EquipmentDelivered = z.infer<typeof EquipmentDelivered>;

/** The process's settings: who helps, how long things may take, and the equipment each role gets. */
export const HireToOnboardSettings = z.object({
  hrEmail: email,
  itEmail: email,
  /** Equipment by role; `default` for roles without a row. */
  equipmentByRole: z.record(z.string(), z.array(label).min(1)).refine((table) => 'default' in table, 'needs a "default" row'),
  /** How long after ordering the equipment IT is asked to chase it. */
  equipmentDeadline: duration,
  /** How long before the first day the welcome e-mail goes out. */
  welcomeBeforeStart: duration,
  /** When the first day begins, counted from midnight (UTC) of the start date. */
  firstDayBegins: duration,
  /** How long the manager has for each preparation task, and when they are reminded. */
  managerTaskDeadline: duration,
  managerTaskReminder: duration,
});
export type HireToOnboardSettings = z.infer<typeof HireToOnboardSettings>;

export const HireToOnboardInput = z.object({ hire: NewHire, settings: HireToOnboardSettings });
export type HireToOnboardInput = z.infer<typeof HireToOnboardInput>;

/** The accounts the robots created, as the portals generated them. */
export const ItAccount = z.object({ accountId: z.string(), workEmail: z.string() });
export type ItAccount = z.infer<typeof ItAccount>;

export const HireToOnboardResult = z.object({
  outcome: z.enum(['active', 'rescinded']),
  employeeNumber: z.string(),
  /** What was not done by the first day (active), or could not be undone (rescinded). */
  late: z.array(z.string()),
  reason: z.string().optional(),
});
export type HireToOnboardResult = z.infer<typeof HireToOnboardResult>;
