import { markup, type PortalStandInOptions, type RunningPortal, startPortalStandIn } from '../robots/portal-stand-in';

/** A user account with its mailbox, as the IT admin portal keeps it. */
export interface PortalUser {
  userId: string;
  employeeNumber: string;
  fullName: string;
  department: string;
  email: string;
  status: 'active' | 'disabled';
}

const { escape } = markup;
const MAIL_DOMAIN = 'staff.officeflow.example';

/** `Ana María Ruiz-López` → `ana.maria.ruiz-lopez`: what the portal makes of a name for the mailbox. */
const mailboxName = (fullName: string) =>
  fullName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .trim()
    .split(/\s+/)
    .join('.');

/**
 * A stand-in for the IT admin portal, where user accounts and mailboxes are made by hand: a user search, a form
 * with validation messages, a slow page after saving, a confirmation page with the generated user id and address,
 * and a button to disable an account.
 */
export function startItAdminPortal(options: PortalStandInOptions): Promise<RunningPortal> {
  return startPortalStandIn(
    { title: 'Directory Admin', file: 'it-admin.json', initial: [] as PortalUser[], home: '/users' },
    options,
    ({ app, records: users, save, page, slowly, setsStatus }) => {
      app.get<{ Querystring: { employee?: string } }>('/users', async (request, reply) => {
        const found = users.filter((u) => !request.query.employee || u.employeeNumber === request.query.employee);
        const rows = found.map((u) => [
          `<a href="/users/${u.userId}">${u.userId}</a>`,
          escape(u.employeeNumber),
          escape(u.email),
          u.status,
        ]);
        return page(
          reply,
          'Users',
          `<form method="get" action="/users">${markup.field('Employee no.', 'employee')}${markup.button('Search')}</form>
          <p><a href="/users/new">New user</a></p>${markup.table('Users', ['User ID', 'Employee no.', 'E-mail address', 'Status'], rows)}`,
        );
      });

      const userForm = (values: Record<string, string> = {}, errors: string[] = []) =>
        `${markup.alerts(errors)}<form method="post" action="/users">${markup.field('Employee no.', 'employee', values.employee)}
        ${markup.field('Full name', 'fullName', values.fullName)}${markup.field('Department', 'department', values.department)}
        ${markup.select('Mailbox size', 'mailbox', ['Standard (50 GB)', 'Large (100 GB)'], values.mailbox)}${markup.button('Create user')}</form>`;
      app.get('/users/new', async (_request, reply) => page(reply, 'New user', userForm()));

      app.post<{ Body: Record<string, string> }>('/users', async (request, reply) => {
        const values = request.body;
        const errors: string[] = [];
        if (!/^E-\d+$/.test(values.employee ?? '')) errors.push('Employee no. must look like E-1234.');
        const taken = users.find((u) => u.employeeNumber === values.employee);
        if (taken) errors.push(`Employee ${values.employee} already has user ${taken.userId}.`);
        if (!mailboxName(values.fullName ?? '')) errors.push('Full name is required.');
        if (!values.department?.trim()) errors.push('Department is required.');
        if (errors.length > 0) return page(reply, 'New user', userForm(values, errors), 422);

        const base = mailboxName(values.fullName);
        const clashes = users.filter((u) => u.email.startsWith(`${base}@`) || u.email.startsWith(`${base}.`)).length;
        const user: PortalUser = {
          userId: `U-${String(users.length + 1).padStart(5, '0')}`,
          employeeNumber: values.employee,
          fullName: values.fullName,
          department: values.department,
          email: `${base}${clashes ? `.${clashes + 1}` : ''}@${MAIL_DOMAIN}`,
          status: 'active',
        };
        users.push(user);
        save();
        await slowly();
        return reply.redirect(`/users/${user.userId}`);
      });

      app.get<{ Params: { userId: string } }>('/users/:userId', async (request, reply) => {
        const user = users.find((u) => u.userId === request.params.userId);
        if (!user) return page(reply, 'Not found', markup.alerts(['No such user.']), 404);
        return page(
          reply,
          `User ${user.userId}`,
          `${markup.output('User ID', 'userId', user.userId)}${markup.output('E-mail address', 'email', user.email)}
          ${markup.output('Status', 'status', user.status)}
          ${user.status === 'active' ? `<form method="post" action="/users/${user.userId}/disable">${markup.button('Disable account')}</form>` : ''}`,
        );
      });

      setsStatus('/users', 'disable', (id) => users.find((u) => u.userId === id), 'disabled');
    },
  );
}
