package io.sluice.jdbc.dialect;

/**
 * One column of an existing table as the database describes it; {@code hasDefault} when an insert that leaves it
 * out still gives it a value (a DEFAULT, or an identity/serial column); {@code size} and {@code digits} are the
 * driver's COLUMN_SIZE and DECIMAL_DIGITS (a numeric's precision and scale, a timestamp's fractional digits), what
 * auto.evolve compares with a record's schema to widen a column before it would round a value.
 */
public record ColumnDefinition(String name, String typeName, int jdbcType, boolean nullable, boolean hasDefault,
                               int size, int digits) {
}
