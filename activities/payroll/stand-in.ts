import { markup, type PortalStandInOptions, type RunningPortal, startPortalStandIn } from '../robots/portal-stand-in';

/** An employee on the payroll, as the legacy HR/payroll portal keeps them. */
export interface PayrollEmployee {
  payrollId: string;
  reference: string;
  legalName: string;
  country: string;
  /** As the portal takes it: `DD.MM.YYYY`. */
  startDate: string;
  annualSalary: string;
  currency: string;
  status: 'enrolled' | 'left';
}

const { escape } = markup;
/** The countries this payroll runs in. */
export const PAYROLL_COUNTRIES = ['AT', 'BE', 'CH', 'DE', 'ES', 'FR', 'GB', 'IE', 'IT', 'NL', 'PL'];

function parseDate(text: string): Date | undefined {
  const match = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(text);
  if (!match) return undefined;
  const date = new Date(Date.UTC(Number(match[3]), Number(match[2]) - 1, Number(match[1])));
  return date.getUTCDate() === Number(match[1]) ? date : undefined;
}

/**
 * A stand-in for a legacy HR/payroll portal: an enrolment form that wants dates as DD.MM.YYYY and refuses countries
 * it has no payroll for, a slow page after saving, a confirmation page with the generated payroll id, and a button
 * to end an employment.
 */
export function startPayrollPortal(options: PortalStandInOptions): Promise<RunningPortal> {
  return startPortalStandIn(
    { title: 'PayMaster 7', file: 'payroll.json', initial: [] as PayrollEmployee[], home: '/employees' },
    options,
    ({ app, records: employees, save, page, slowly, setsStatus }) => {
      app.get<{ Querystring: { reference?: string } }>('/employees', async (request, reply) => {
        const found = employees.filter((e) => !request.query.reference || e.reference === request.query.reference);
        const rows = found.map((e) => [`<a href="/employees/${e.payrollId}">${e.payrollId}</a>`, escape(e.reference), e.country, e.status]);
        return page(
          reply,
          'Employees',
          `<form method="get" action="/employees">${markup.field('Reference', 'reference')}${markup.button('Search')}</form>
          <p><a href="/employees/new">Enrol employee</a></p>${markup.table('Employees', ['Payroll ID', 'Reference', 'Country', 'Status'], rows)}`,
        );
      });

      const enrolmentForm = (values: Record<string, string> = {}, errors: string[] = []) =>
        `${markup.alerts(errors)}<form method="post" action="/employees">${markup.field('Reference', 'reference', values.reference)}
        ${markup.field('Legal name', 'legalName', values.legalName)}${markup.field('Country code', 'country', values.country)}
        ${markup.field('Start date (DD.MM.YYYY)', 'startDate', values.startDate)}${markup.field('Annual salary', 'annualSalary', values.annualSalary)}
        ${markup.select('Currency', 'currency', ['EUR', 'CHF', 'GBP', 'PLN'], values.currency)}${markup.button('Enrol')}</form>`;
      app.get('/employees/new', async (_request, reply) => page(reply, 'Enrol employee', enrolmentForm()));

      app.post<{ Body: Record<string, string> }>('/employees', async (request, reply) => {
        const values = request.body;
        const errors: string[] = [];
        if (!values.reference?.trim()) errors.push('Reference is required.');
        const taken = employees.find((e) => e.reference === values.reference && e.status === 'enrolled');
        if (taken) errors.push(`Reference ${values.reference} is already enrolled as ${taken.payrollId}.`);
        if (!values.legalName?.trim()) errors.push('Legal name is required.');
        if (!PAYROLL_COUNTRIES.includes(values.country ?? ''))
          errors.push(`Country ${values.country || '(none)'} has no payroll here; payroll countries are ${PAYROLL_COUNTRIES.join(', ')}.`);
        if (!parseDate(values.startDate ?? '')) errors.push('Start date must be a date written DD.MM.YYYY.');
        if (!/^\d{1,9}(\.\d{2})?$/.test(values.annualSalary ?? '')) errors.push('Annual salary must look like 54000.00.');
        if (errors.length > 0) return page(reply, 'Enrol employee', enrolmentForm(values, errors), 422);

        const employee: PayrollEmployee = {
          payrollId: `P-${String(employees.length + 1).padStart(6, '0')}`,
          reference: values.reference,
          legalName: values.legalName,
          country: values.country,
          startDate: values.startDate,
          annualSalary: values.annualSalary,
          currency: values.currency,
          status: 'enrolled',
        };
        employees.push(employee);
        save();
        await slowly();
        return reply.redirect(`/employees/${employee.payrollId}`);
      });

      app.get<{ Params: { payrollId: string } }>('/employees/:payrollId', async (request, reply) => {
        const employee = employees.find((e) => e.payrollId === request.params.payrollId);
        if (!employee) return page(reply, 'Not found', markup.alerts(['No such employee.']), 404);
        return page(
          reply,
          `Employee ${employee.payrollId}`,
          `${markup.output('Payroll ID', 'payrollId', employee.payrollId)}${markup.output('Status', 'status', employee.status)}
          ${employee.status === 'enrolled' ? `<form method="post" action="/employees/${employee.payrollId}/leave">${markup.button('End employment')}</form>` : ''}`,
        );
      });

      setsStatus('/employees', 'leave', (id) => employees.find((e) => e.payrollId === id), 'left');
    },
  );
}
