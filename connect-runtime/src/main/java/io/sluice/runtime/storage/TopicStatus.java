package io.sluice.runtime.storage;

/** A topic a connector's task used (KIP-558), with when the task first used it. */
public record TopicStatus(String topic, String connector, int task, long discoverTimestamp) {
}
