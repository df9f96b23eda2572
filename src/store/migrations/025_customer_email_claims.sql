-- One customer per email address, case-insensitive, unless a customer was created with
-- allowDuplicateEmail (it then claims nothing). The claim is written in the command's transaction, so
-- of two concurrent creates with one email the second waits for the first and is refused (409
-- EMAIL_TAKEN), on PGlite and PostgreSQL alike. Customers created before this rule keep their emails;
-- the oldest customer of each address holds its claim.
CREATE TABLE customer_email_claims (
  email_key text PRIMARY KEY,
  customer_id text NOT NULL
);
CREATE INDEX customer_email_claims_customer ON customer_email_claims (customer_id);
INSERT INTO customer_email_claims (email_key, customer_id)
  SELECT DISTINCT ON (lower(email)) lower(email), id FROM customers ORDER BY lower(email), seq;
