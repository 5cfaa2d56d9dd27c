-- Kept sums of county reports (`lotse_domain::stats::tally`): per building, a whole month or
-- a single day, and the report's split (`query`), so that a year's report adds a dozen kept
-- months per building instead of computing every day's cells again. A part is used only
-- while its `basis` (a hash of its days' versions and arrival times, the building's profile
-- and the tally's format) equals what they are now; else it is computed again.
CREATE TABLE report_parts (
    building   TEXT NOT NULL,
    first_day  DATE NOT NULL,
    last_day   DATE NOT NULL,
    query      TEXT NOT NULL,
    basis      TEXT NOT NULL,
    tally      BYTEA NOT NULL,
    PRIMARY KEY (building, query, first_day, last_day)
);
