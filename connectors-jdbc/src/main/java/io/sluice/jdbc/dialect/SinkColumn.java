package io.sluice.jdbc.dialect;

import org.apache.kafka.connect.data.Schema;

/** A column the sink writes: its name, the Connect schema of its values, and whether it is part of the key. */
public record SinkColumn(String name, Schema schema, boolean key) {
}
