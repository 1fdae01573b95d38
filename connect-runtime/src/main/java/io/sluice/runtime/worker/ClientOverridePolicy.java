package io.sluice.runtime.worker;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;

/**
 * connector.client.config.override.policy: which {@code producer.override.*},
 * {@code consumer.override.*} and {@code admin.override.*} keys a connector may set.
 */
enum ClientOverridePolicy {
    /** No override is allowed. */
    NONE(Set.of()),
    /** Only the client's identity: SASL JAAS config, SASL mechanism and security protocol. */
    PRINCIPAL(Set.of("sasl.jaas.config", "sasl.mechanism", "security.protocol")),
    /** Any override is allowed. */
    ALL(null);

    static final String PRODUCER_PREFIX = "producer.override.";
    static final String CONSUMER_PREFIX = "consumer.override.";
    static final String ADMIN_PREFIX = "admin.override.";

    private final Set<String> allowed;

    ClientOverridePolicy(Set<String> allowed) {
        this.allowed = allowed;
    }

    /** Parses Apache's policy names (None, Principal, All), case-insensitively. */
    static ClientOverridePolicy of(String name) {
        for (ClientOverridePolicy p : values()) {
            if (p.name().equalsIgnoreCase(name == null ? "All" : name.trim())) {
                return p;
            }
        }
        throw new ConfigException("connector.client.config.override.policy", name, "must be one of None, Principal, All");
    }

    /**
     * The connector's overrides under the prefix, without the prefix.
     *
     * @throws ConfigException naming every key the policy does not allow
     */
    Map<String, Object> overrides(String connector, Map<String, String> connectorConfig, String prefix) {
        Map<String, Object> found = new TreeMap<>();
        for (Map.Entry<String, String> e : connectorConfig.entrySet()) {
            if (e.getKey().startsWith(prefix) && e.getKey().length() > prefix.length()) {
                found.put(e.getKey().substring(prefix.length()), e.getValue());
            }
        }
        if (allowed == null || found.isEmpty()) {
            return found;
        }
        List<String> rejected = found.keySet().stream()
                .filter(k -> !allowed.contains(k))
                .map(k -> prefix + k)
                .collect(Collectors.toList());
        if (!rejected.isEmpty()) {
            throw new ConfigException("Connector " + connector + " sets client config overrides " + rejected
                    + " that connector.client.config.override.policy=" + policyName() + " does not allow"
                    + (this == NONE ? "; remove them or set the worker's policy to Principal or All"
                                    : "; only " + new java.util.TreeSet<>(allowed) + " may be overridden"));
        }
        return found;
    }

    String policyName() {
        return name().charAt(0) + name().substring(1).toLowerCase();
    }
}
