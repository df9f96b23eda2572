-- Created/updated date ranges on the lists (createdFrom/createdTo/updatedFrom/updatedTo). Usage records
-- are written once (rated or rejected at ingestion), so their updated_at is their created_at and needs
-- no index of its own; the other read models change in place.
CREATE INDEX customers_created_at ON customers (created_at);
CREATE INDEX customers_updated_at ON customers (updated_at);
CREATE INDEX orders_created_at ON orders (created_at);
CREATE INDEX orders_updated_at ON orders (updated_at);
CREATE INDEX subscriptions_created_at ON subscriptions (created_at);
CREATE INDEX subscriptions_updated_at ON subscriptions (updated_at);
CREATE INDEX usage_records_created_at ON usage_records (created_at);
CREATE INDEX invoices_created_at ON invoices (created_at);
CREATE INDEX invoices_updated_at ON invoices (updated_at);
CREATE INDEX payments_created_at ON payments (created_at);
CREATE INDEX payments_updated_at ON payments (updated_at);
