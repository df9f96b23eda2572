-- Read models: one table per aggregate. `state` is exactly what the domain's evolve() produced, so the
-- live read model equals a fold of the log (time travel checks that invariant); the other columns are
-- copies of state fields for filters and indexes. `version` counts changes (ETag / If-Match); `seq`
-- gives list queries a stable cursor.
CREATE TABLE customers (
  id text PRIMARY KEY, customer_id text NOT NULL, status text NOT NULL, email text NOT NULL,
  state jsonb NOT NULL, version int NOT NULL, seq bigint GENERATED ALWAYS AS IDENTITY,
  created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL
);
CREATE INDEX customers_status_seq ON customers (status, seq);
CREATE INDEX customers_email ON customers (email);
CREATE UNIQUE INDEX customers_seq ON customers (seq);

CREATE TABLE orders (
  id text PRIMARY KEY, customer_id text NOT NULL, status text NOT NULL,
  state jsonb NOT NULL, version int NOT NULL, seq bigint GENERATED ALWAYS AS IDENTITY,
  created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL
);
CREATE INDEX orders_customer_seq ON orders (customer_id, seq);
CREATE INDEX orders_status_seq ON orders (status, seq);
CREATE UNIQUE INDEX orders_seq ON orders (seq);

CREATE TABLE subscriptions (
  id text PRIMARY KEY, customer_id text NOT NULL, status text NOT NULL, plan_id text NOT NULL,
  state jsonb NOT NULL, version int NOT NULL, seq bigint GENERATED ALWAYS AS IDENTITY,
  created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL
);
CREATE INDEX subscriptions_customer_seq ON subscriptions (customer_id, seq);
CREATE INDEX subscriptions_status_seq ON subscriptions (status, seq);
CREATE UNIQUE INDEX subscriptions_seq ON subscriptions (seq);

CREATE TABLE usage_records (
  id text PRIMARY KEY, customer_id text NOT NULL, status text NOT NULL, subscription_id text NOT NULL,
  started_at timestamptz NOT NULL,
  state jsonb NOT NULL, version int NOT NULL, seq bigint GENERATED ALWAYS AS IDENTITY,
  created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL
);
CREATE INDEX usage_records_customer_started ON usage_records (customer_id, started_at);
CREATE INDEX usage_records_subscription_seq ON usage_records (subscription_id, seq);
CREATE UNIQUE INDEX usage_records_seq ON usage_records (seq);

CREATE TABLE invoices (
  id text PRIMARY KEY, customer_id text NOT NULL, status text NOT NULL, period_from text NOT NULL,
  state jsonb NOT NULL, version int NOT NULL, seq bigint GENERATED ALWAYS AS IDENTITY,
  created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL
);
CREATE INDEX invoices_customer_seq ON invoices (customer_id, seq);
CREATE INDEX invoices_status_seq ON invoices (status, seq);
CREATE UNIQUE INDEX invoices_seq ON invoices (seq);

CREATE TABLE payments (
  id text PRIMARY KEY, customer_id text NOT NULL, status text NOT NULL,
  state jsonb NOT NULL, version int NOT NULL, seq bigint GENERATED ALWAYS AS IDENTITY,
  created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL
);
CREATE INDEX payments_customer_seq ON payments (customer_id, seq);
CREATE INDEX payments_status_seq ON payments (status, seq);
CREATE UNIQUE INDEX payments_seq ON payments (seq);

-- The customer's account balance (domain balance.ts fold), one row per customer.
CREATE TABLE balances (
  id text PRIMARY KEY, customer_id text NOT NULL, status text NOT NULL,
  state jsonb NOT NULL, version int NOT NULL, seq bigint GENERATED ALWAYS AS IDENTITY,
  created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL
);
