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
}
