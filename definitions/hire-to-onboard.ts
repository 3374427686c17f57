import { EquipmentDelivered, HireToOnboardInput, type HireToOnboardSettings, OfferAccepted, OfferRescinded } from '../contracts/hire';
import { equipmentDelivered, hireToOnboard, offerRescinded } from '../workflows/hire-to-onboard';
import { defineProcess, signalsOn, startsOn } from './define';
import { Assignees, CandidateId, Department } from '../contracts/search-attributes';

const settings: HireToOnboardSettings = {
  hrEmail: 'people.ops@officeflow.example',
  itEmail: 'it.servicedesk@officeflow.example',
  equipmentByRole: {
    'Software Engineer': ['Laptop (developer)', '27" monitor', 'Headset'],
    'Warehouse Associate': ['Handheld scanner', 'Safety shoes'],
    default: ['Laptop (standard)', 'Headset'],
  },
  equipmentDeadline: '5 days',
  welcomeBeforeStart: '3 days',
  // 08:00 UTC on the start date.
  firstDayBegins: '8 hours',
  managerTaskDeadline: '5 days',
  managerTaskReminder: '3 days',
  // Accounts over SCIM: where each is, and its token, are the engine's settings (SCIM_APPLICATION_URLS, …_TOKENS).
  scimApplications: [
    {
      name: 'chat',
      label: 'Chat',
      attributes: ['name', 'emails', 'title', 'department'],
      groupsByRole: { 'Software Engineer': ['everyone', 'engineering'], default: ['everyone'] },
    },
    // The code host knows engineers by name and work e-mail only; nobody else gets an account.
    { name: 'code', label: 'Code host', attributes: ['name', 'emails'], groupsByRole: { 'Software Engineer': ['developers'] } },
  ],
};

const workflowId = (data: { candidateId: string }) => `hire-to-onboard-${data.candidateId}`;

/**
 * Hire-to-onboard. The applicant-tracking system reports an accepted offer; HR's record is made, robots open the
 * user account and the payroll enrolment in portals without an API, equipment is ordered by role, the new employee
 * is welcomed a few days before the start, the manager prepares the first week, and on day one the employee is
 * active. A rescinded offer undoes it all.
 */
export default defineProcess({
  name: 'hire-to-onboard',
  description: 'An accepted offer becomes an employee with accounts, equipment and a prepared first day.',
  workflow: hireToOnboard,
  taskQueue: 'hire-to-onboard',
  businessObject: 'candidate',
  expectations: { 'employee-record': '30 minutes', accounts: '1 hour' },
  settings,
  input: HireToOnboardInput,
  // The hire's name, e-mail and salary are personal data: not even the encrypted summary carries them.
  describe: ({ hire }) => ({
    businessKey: hire.candidateId,
    summary: `Onboard candidate ${hire.candidateId} as ${hire.role}, ${hire.department}, from ${hire.startDate}`,
    details: `**Country** ${hire.country}`,
  }),
  searchAttributes: [CandidateId, Department, Assignees],
  savedQueries: {
    'waiting-on-it': {
      description: 'Hires waiting on IT (an account a portal refused, equipment to chase)',
      query: 'WaitingOn = "IT" AND ExecutionStatus = "Running"',
    },
    'waiting-on-manager': {
      description: 'Hires whose manager has preparations open',
      query: 'WaitingOn = "Manager" AND ExecutionStatus = "Running"',
    },
    'past-deadline': {
      description: 'Hires with a step past its deadline',
      query: 'WaitDeadline < "{now}" AND ExecutionStatus = "Running"',
    },
  },
  demo: {
    events: ['hr.offer.accepted', 'logistics.equipment.delivered'],
    restsAt: { 'preparing-first-day': 'prepared, waiting for the first day' },
    paths: {
      rescinded: {
        description: 'the offer is rescinded after it was accepted: what was set up for the hire is undone',
        events: ['hr.offer.accepted', 'hr.offer.rescinded'],
      },
    },
  },
  initialSearchAttributes: ({ hire }) => [
    { key: CandidateId, value: hire.candidateId },
    { key: Department, value: hire.department },
  ],
  triggers: [
    startsOn({
      type: 'hr.offer.accepted',
      description: 'A candidate accepted an offer (salary as a decimal amount of its currency; name, e-mail and salary are personal data).',
      data: OfferAccepted,
      workflowId,
      input: (hire) => ({ hire }),
      example: {
        source: '/ats/offers',
        id: 'evt-offer-4001',
        data: {
          candidateId: 'CAND-4001',
          legalName: 'Ana María Ruiz López',
          personalEmail: 'ana.ruiz@example.net',
          role: 'Software Engineer',
          department: 'Engineering',
          managerEmail: 'erik.engineering@officeflow.example',
          startDate: '2027-01-04',
          country: 'DE',
          salary: 72000,
          currency: 'EUR',
        },
      },
    }),
    signalsOn({
      type: 'logistics.equipment.delivered',
      description: 'Logistics delivered the new employee’s equipment.',
      data: EquipmentDelivered,
      workflowId,
      signal: equipmentDelivered,
      payload: ({ deliveryId }) => ({ deliveryId }),
      example: { source: '/logistics', id: 'evt-delivery-4001', data: { candidateId: 'CAND-4001', deliveryId: 'DLV-4001' } },
    }),
    signalsOn({
      type: 'hr.offer.rescinded',
      description: 'The offer was withdrawn: officeflow undoes what it did for the hire.',
      data: OfferRescinded,
      workflowId,
      signal: offerRescinded,
      payload: ({ reason }) => ({ reason }),
      example: { source: '/ats/offers', id: 'evt-rescind-4001', data: { candidateId: 'CAND-4001', reason: 'Position closed' } },
    }),
  ],
});
