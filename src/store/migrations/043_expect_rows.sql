-- A statement that must change an exact number of rows checks the count itself (SQLSTATE BS409), so a
-- transaction whose COMMIT is sent behind it before its answer (src/store/db.ts, Transaction.commit) cannot
-- commit a miss: the error aborts the transaction, and PostgreSQL then answers that COMMIT with ROLLBACK.
CREATE FUNCTION bss_expect_rows(got bigint, expected bigint, what text) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
  IF got <> expected THEN
    RAISE EXCEPTION '% of % % rows had the expected version', got, expected, what USING ERRCODE = 'BS409';
  END IF;
  RETURN got;
END $$;
