import { z } from 'zod';

/** Types of environment variables, shared by the engine's settings and each connected system's. */

/** A TCP port for a server officeflow starts locally; 0 takes any free port. */
export const port = (defaultPort: number) => z.coerce.number().int().min(0).max(65535).default(defaultPort);

export const httpUrl = z.url({ protocol: /^https?$/ });

/** Comma-separated e-mail addresses, compared in lower case. */
export const emailList = z
  .string()
  .optional()
  .transform((list) =>
    (list ?? '')
      .split(',')
      .map((entry) => entry.trim().toLowerCase())
      .filter(Boolean),
  )
  .pipe(z.array(z.email('must be comma-separated e-mail addresses')));
