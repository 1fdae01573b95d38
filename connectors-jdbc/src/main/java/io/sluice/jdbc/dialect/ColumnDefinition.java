package io.sluice.jdbc.dialect;

/** One column of an existing table as the database describes it. */
public record ColumnDefinition(String name, String typeName, int jdbcType, boolean nullable) {
}
