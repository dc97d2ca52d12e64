-- Failed sign-ins, counted per login name and per client address, so that guessing slows down whichever of the
-- two it keeps the same; kept here so that every portal process on one database counts the same failures.
-- One row per key. A sign-in counts as a failure before its password is checked (so parallel attempts cannot
-- slip past the limit) and is taken back when the password was right. A key's count starts afresh once its
-- window has passed; rows whose window has passed and whose wait has ended are deleted.

CREATE TABLE sign_in_throttle (
    -- 'login:<name in lower case>' or 'address:<IPv4 address, or the /64 prefix of an IPv6 address>'
    throttle_key    VARCHAR(100) NOT NULL PRIMARY KEY,
    failures        INTEGER      NOT NULL,
    window_start    TIMESTAMP WITH TIME ZONE NOT NULL,
    last_failure_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT sign_in_throttle_failures_positive CHECK (failures >= 0)
);

CREATE INDEX sign_in_throttle_last_failure ON sign_in_throttle (last_failure_at);
