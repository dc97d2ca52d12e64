package io.kvmportal.persistence;

import java.sql.SQLException;

/** A database failure that no caller can handle: it keeps the SQL (never the values) and the driver's state. */
public class DataAccessException extends RuntimeException {
    private final String sqlState;

    public DataAccessException(String sql, SQLException cause) {
        super(cause.getMessage() + " [SQL state " + cause.getSQLState() + "] in: " + sql, cause);
        this.sqlState = cause.getSQLState();
    }

    /** True for a broken UNIQUE constraint (SQL state 23505 on both H2 and PostgreSQL). */
    public boolean isUniqueViolation() {
        return "23505".equals(sqlState);
    }

    /**
     * True where the same transaction may well succeed if run again: a broken UNIQUE constraint (a parallel insert
     * won), a deadlock or serialization failure (40001; PostgreSQL's deadlock 40P01), a lock wait that timed out
     * (H2's HYT00, PostgreSQL's 55P03).
     */
    public boolean isTransient() {
        return isUniqueViolation() || "40001".equals(sqlState) || "40P01".equals(sqlState)
                || "HYT00".equals(sqlState) || "55P03".equals(sqlState);
    }
}
