package io.sluice.runtime.rest;

import com.fasterxml.jackson.annotation.JsonProperty;

/** GET / : the Connect API version this worker speaks, and the Kafka cluster it belongs to. */
public record ServerInfo(String version, String commit, @JsonProperty("kafka_cluster_id") String kafkaClusterId,
                         @JsonProperty("sluice_version") String sluiceVersion) {
}
