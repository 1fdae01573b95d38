package io.sluice.s3.source;

/** How CSV objects are read: the field separator and whether a header row names the columns. */
public record CsvSettings(char separator, boolean header) {
}
