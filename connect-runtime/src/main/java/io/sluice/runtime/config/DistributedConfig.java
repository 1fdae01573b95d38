package io.sluice.runtime.config;

import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The worker keys only distributed mode reads: group membership, Apache's group protocols and the session keys
 * that sign requests between workers. Part of the worker's one definition ({@link WorkerConfig#CONFIG}), read through
 * the WorkerConfig's getters.
 */
public final class DistributedConfig {
    public static final String SESSION_TIMEOUT_MS = "session.timeout.ms";
    public static final String HEARTBEAT_INTERVAL_MS = "heartbeat.interval.ms";
    public static final String REBALANCE_TIMEOUT_MS = "rebalance.timeout.ms";
    public static final String SCHEDULED_REBALANCE_MAX_DELAY_MS = "scheduled.rebalance.max.delay.ms";
    public static final String CONNECT_PROTOCOL = "connect.protocol";
    public static final String INTER_WORKER_KEY_GENERATION_ALGORITHM = "inter.worker.key.generation.algorithm";
    public static final String INTER_WORKER_KEY_SIZE = "inter.worker.key.size";
    public static final String INTER_WORKER_KEY_TTL_MS = "inter.worker.key.ttl.ms";
    public static final String INTER_WORKER_SIGNATURE_ALGORITHM = "inter.worker.signature.algorithm";
    public static final String INTER_WORKER_VERIFICATION_ALGORITHMS = "inter.worker.verification.algorithms";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(SESSION_TIMEOUT_MS, Type.INT, 6_000, Range.atLeast(1), Importance.HIGH,
                    "Distributed mode: how long a worker may miss heartbeats before the group drops it and its "
                            + "connectors and tasks are reassigned (Apache: 10 s; 6 s is the broker's minimum and "
                            + "keeps failover within 15 s).")
            .define(HEARTBEAT_INTERVAL_MS, Type.INT, 2_000, Range.atLeast(1), Importance.HIGH,
                    "Distributed mode: how often a worker heartbeats to the group coordinator; keep it under a "
                            + "third of session.timeout.ms.")
            .define(REBALANCE_TIMEOUT_MS, Type.INT, 60_000, Range.atLeast(1), Importance.MEDIUM,
                    "Distributed mode: how long each worker has to rejoin the group (stopping what it gives up) "
                            + "once a rebalance begins.")
            .define(SCHEDULED_REBALANCE_MAX_DELAY_MS, Type.INT, 3_000, Range.between(0, Integer.MAX_VALUE),
                    Importance.MEDIUM,
                    "Distributed mode: how long the work of a departed worker waits for it to come back before it "
                            + "is reassigned to the others (Apache's default is 5 minutes).")
            .define(CONNECT_PROTOCOL, Type.STRING, "sessioned", ConfigDef.LambdaValidator.with((name, value) -> {
                if (!List.of("compatible", "sessioned").contains(String.valueOf(value).toLowerCase(java.util.Locale.ROOT))) {
                    throw new ConfigException(name, value, "Sluice joins Connect groups "
                            + "on 'sessioned' or 'compatible'; an Apache cluster on 'eager' first moves to 'compatible' "
                            + "(a rolling restart of its workers with connect.protocol=compatible, as Apache documents)");
                }
            }, () -> "[compatible, sessioned]"), Importance.LOW,
                    "Distributed mode: the newest of Apache's group protocols this worker also speaks, after Sluice's "
                            + "own, so it can join a group of Apache Kafka Connect workers (docs/distributed.md): "
                            + "'sessioned' (Apache's default, signed requests between workers) or 'compatible'. A "
                            + "group of Sluice workers only runs Sluice's protocol.")
            .define(INTER_WORKER_KEY_GENERATION_ALGORITHM, Type.STRING, "HmacSHA256", Importance.LOW,
                    "Distributed mode: the algorithm of the session keys the leader generates for signing requests "
                            + "between workers (any javax.crypto.KeyGenerator algorithm).")
            .define(INTER_WORKER_KEY_SIZE, Type.INT, null, Importance.LOW,
                    "Distributed mode: the size in bits of session keys; unset takes the algorithm's default.")
            .define(INTER_WORKER_KEY_TTL_MS, Type.INT, 3_600_000, Range.between(0, Integer.MAX_VALUE), Importance.LOW,
                    "Distributed mode: how long a session key is used before the leader writes a new one.")
            .define(INTER_WORKER_SIGNATURE_ALGORITHM, Type.STRING, "HmacSHA256", Importance.LOW,
                    "Distributed mode: the MAC algorithm workers sign their requests to other workers with.")
            .define(INTER_WORKER_VERIFICATION_ALGORITHMS, Type.LIST, List.of("HmacSHA256"), Importance.LOW,
                    "Distributed mode: the MAC algorithms a worker accepts on requests from other workers; must "
                            + "include inter.worker.signature.algorithm.");

    private DistributedConfig() {
    }
}
