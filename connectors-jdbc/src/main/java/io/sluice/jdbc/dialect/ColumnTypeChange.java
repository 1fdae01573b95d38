package io.sluice.jdbc.dialect;

/**
 * An ALTER that fits an existing column to a record's field: a lossless widening, or ({@code convertsValues}) a
 * change to another kind of type whose stored values the database converts, and may refuse to (the source changed
 * the column's type, integer to text say). {@code from} and {@code to} are the two types in the database's words.
 */
public record ColumnTypeChange(String sql, String from, String to, boolean convertsValues) {
}
