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

/** What an application may know of an employee, besides their user name and employee number (`externalId`). */
export const ScimAttribute = z.enum(['name', 'emails', 'title', 'department']);
export type ScimAttribute = z.infer<typeof ScimAttribute>;

/**
 * An application that takes accounts over SCIM 2.0 (its address and token are the engine's settings, by `name`): the
 * attributes it gets, and the groups each role joins; a role without a row (and no `default` row) gets no account.
 */
export const ScimApplication = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be a short lowercase name such as "chat"'),
  label,
  attributes: z.array(ScimAttribute),
  groupsByRole: z.record(z.string(), z.array(label)),
});
export type ScimApplication = z.infer<typeof ScimApplication>;

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
  /** The applications new hires get accounts in over SCIM; runs started before there were any have none. */
  scimApplications: z.array(ScimApplication).max(20).optional(),
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

/** An employee's account in an application, as a SCIM user: what officeflow sends, by the application's name. */
export interface ScimUserRequest {
  application: string;
  employeeNumber: string;
  /** The sign-in name: the work e-mail the IT account got, else the employee number. */
  userName: string;
  /** Only the attributes the application gets. */
  name?: { givenName: string; familyName: string; formatted: string };
  workEmail?: string;
  title?: string;
  department?: string;
  groups: string[];
}

/** `hr.employee.left`: HR records that an employee leaves, and their last day. */
export const EmployeeLeft = z.object({ employeeNumber: businessKey, lastDay: calendarDate });
export type EmployeeLeft = z.infer<typeof EmployeeLeft>;

/** Who helps when a leaver's access is ended, when it ends, and the applications it is ended in. */
export const OffboardingSettings = z.object({
  hrEmail: email,
  itEmail: email,
  /** When access ends, counted from midnight (UTC) of the last day: `18 hours` is 18:00 UTC. */
  accessEndsAfter: duration,
  scimApplications: z.array(ScimApplication).max(20),
});
export type OffboardingSettings = z.infer<typeof OffboardingSettings>;

export const OffboardingInput = EmployeeLeft.extend({ settings: OffboardingSettings });
export type OffboardingInput = z.infer<typeof OffboardingInput>;

export interface OffboardingResult {
  outcome: 'left' | 'rescinded' | 'unknown';
  employeeNumber: string;
  /** What IT or HR were asked to end by hand, where a portal or an application refused. */
  byHand: string[];
}
