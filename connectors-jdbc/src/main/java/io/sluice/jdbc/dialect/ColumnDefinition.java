package io.sluice.jdbc.dialect;

/**
 * One column of an existing table as the database describes it; {@code hasDefault} when an insert that leaves it
 * out still gives it a value (a DEFAULT, or an identity/serial column).
 */
public record ColumnDefinition(String name, String typeName, int jdbcType, boolean nullable, boolean hasDefault) {
}
