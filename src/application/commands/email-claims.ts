// One customer per email (case-insensitive) unless allowed: a claims table lets the database settle a race.
import type { Queryable } from '../../store/db.ts';
import { BssError } from '../../errors.ts';

export const emailKey = (email: string) => email.trim().toLowerCase();

function emailTaken(email: string, owner: string): BssError {
  const message = `email ${email} is already used by customer ${owner}`;
  return new BssError(
    'EMAIL_TAKEN',
    `${message}; to give another customer the same address, send "allowDuplicateEmail": true`,
    { status: 409, errors: [{ field: '/body/email', message }] },
  );
}

export async function claimEmail(tx: Queryable, email: string, customerId: string): Promise<void> {
  const key = emailKey(email);
  const { rows } = await tx.query<{ customer_id: string }>(
    `INSERT INTO customer_email_claims (email_key, customer_id) VALUES ($1, $2)
     ON CONFLICT (email_key) DO UPDATE SET customer_id = customer_email_claims.customer_id
     RETURNING customer_id`,
    [key, customerId],
  );
  const owner = rows[0]?.customer_id;
  if (owner !== undefined && owner !== customerId) throw emailTaken(email, owner);
}

export async function releaseOtherEmails(tx: Queryable, customerId: string, keep: string): Promise<void> {
  await tx.query('DELETE FROM customer_email_claims WHERE customer_id = $1 AND email_key <> $2', [
    customerId,
    emailKey(keep),
  ]);
}
