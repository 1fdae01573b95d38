package io.sluice.runtime.herder;

import io.sluice.runtime.config.ConfigProviders;
import io.sluice.runtime.config.ConnectorConfig;
import io.sluice.runtime.plugins.LoaderSwap;
import io.sluice.runtime.plugins.Plugins;
import io.sluice.runtime.storage.OffsetStore;
import io.sluice.runtime.worker.Worker;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KIP-875's offsets API for one connector: source offsets in the offset store, sink offsets as the
 * positions of the connector's consumer group. The connector's alterOffsets hook sees every change first,
 * with its plugin's class loader, and may refuse it.
 */
final class ConnectorOffsetsService {
    private static final Logger log = LoggerFactory.getLogger(ConnectorOffsetsService.class);
    private static final long TIMEOUT_MS = 30_000;
    private static final String ALTERED = "The offsets for this connector have been altered successfully";
    private static final String ALTERED_FRAMEWORK_ONLY = "The Connect framework-managed offsets for this connector "
            + "have been altered successfully. However, if this connector manages offsets externally, they will need "
            + "to be manually altered in the system that the connector uses.";
    private static final String RESET = "The offsets for this connector have been reset successfully";
    private static final String RESET_FRAMEWORK_ONLY = "The Connect framework-managed offsets for this connector "
            + "have been reset successfully. However, if this connector manages offsets externally, they will need "
            + "to be manually reset in the system that the connector uses.";

    private final Worker worker;
    private final Plugins plugins;
    private final ConfigProviders providers;

    ConnectorOffsetsService(Worker worker, Plugins plugins, ConfigProviders providers) {
        this.worker = worker;
        this.plugins = plugins;
        this.providers = providers;
    }

    ConnectorOffsets offsets(String name, Map<String, String> config) {
        List<ConnectorOffsets.ConnectorOffset> result = new ArrayList<>();
        if (isSink(config)) {
            sinkPositions(name, config).forEach((tp, position) ->
                    result.add(new ConnectorOffsets.ConnectorOffset(SinkOffsets.partition(tp), SinkOffsets.offset(position))));
        } else {
            try (OffsetStore store = worker.offsetStore(name, config)) {
                store.offsets(name).forEach((partition, offset) -> {
                    if (offset != null) {
                        result.add(new ConnectorOffsets.ConnectorOffset(partition, offset));
                    }
                });
            }
        }
        return new ConnectorOffsets(result);
    }

    /** Alters the given partitions' offsets; a null offset resets that partition. Returns Apache's message. */
    String alter(String name, Map<String, String> config, ConnectorOffsets request) {
        if (request == null || request.offsets() == null || request.offsets().isEmpty()) {
            throw HerderException.badRequest("Partitions / offsets need to be provided for an alter offsets request");
        }
        worker.awaitStopped(name);
        if (isSink(config)) {
            Map<TopicPartition, Long> positions = SinkOffsets.parse(request.offsets());
            requireExistingPartitions(name, config, positions);
            boolean handled = sinkHook(name, config, positions);
            writeSinkPositions(name, config, positions);
            return handled ? ALTERED : ALTERED_FRAMEWORK_ONLY;
        }
        Map<Map<String, Object>, Map<String, Object>> offsets = new HashMap<>();
        for (ConnectorOffsets.ConnectorOffset entry : request.offsets()) {
            if (entry == null || entry.partition() == null) {
                throw HerderException.badRequest("The partition for a source connector offset cannot be null or missing");
            }
            requirePrimitiveValues("partition", entry.partition(), entry.partition());
            requirePrimitiveValues("offset", entry.offset(), entry.partition());
            offsets.put(normalized(entry.partition()), normalized(entry.offset()));
        }
        boolean handled = sourceHook(name, config, offsets);
        writeSourceOffsets(name, config, offsets);
        return handled ? ALTERED : ALTERED_FRAMEWORK_ONLY;
    }

    /** Resets every offset of the connector. Returns Apache's message. */
    String reset(String name, Map<String, String> config) {
        worker.awaitStopped(name);
        if (isSink(config)) {
            Map<TopicPartition, Long> positions = new HashMap<>();
            sinkPositions(name, config).keySet().forEach(tp -> positions.put(tp, null));
            boolean handled = sinkHook(name, config, positions);
            deleteGroup(name, config);
            return handled ? RESET : RESET_FRAMEWORK_ONLY;
        }
        Map<Map<String, Object>, Map<String, Object>> offsets = new HashMap<>();
        try (OffsetStore store = worker.offsetStore(name, config)) {
            store.offsets(name).keySet().forEach(partition -> offsets.put(partition, null));
        }
        boolean handled = sourceHook(name, config, offsets);
        writeSourceOffsets(name, config, offsets);
        return handled ? RESET : RESET_FRAMEWORK_ONLY;
    }

    // --- source ---

    @SuppressWarnings({"unchecked", "rawtypes"})
    private boolean sourceHook(String name, Map<String, String> config, Map<Map<String, Object>, Map<String, Object>> offsets) {
        Connector connector = connector(config);
        return callHook(name, connector, () -> ((SourceConnector) connector).alterOffsets(providers.resolve(config),
                (Map) offsets));
    }

    private void writeSourceOffsets(String name, Map<String, String> config,
                                    Map<Map<String, Object>, Map<String, Object>> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        try (OffsetStore store = worker.offsetStore(name, config)) {
            store.write(name, offsets).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while writing offsets of connector " + name, e);
        } catch (Exception e) {
            throw new ConnectException("Could not write the offsets of connector " + name + ": " + e.getMessage(), e);
        }
        log.info("Wrote {} source offset(s) of connector {}", offsets.size(), name);
    }

    /**
     * Apache's rule for source partitions and offsets (OffsetUtils.validateFormat): flat maps of strings, numbers,
     * booleans and nulls. A nested value would be stored, then handed to tasks that never wrote one.
     */
    private static void requirePrimitiveValues(String what, Map<String, Object> values, Map<String, Object> partition) {
        if (values == null) {
            return;
        }
        values.forEach((key, value) -> {
            if (value instanceof Map<?, ?> || value instanceof List<?>) {
                throw HerderException.badRequest("Source " + what + "s may hold only strings, numbers, booleans and "
                        + "nulls, but '" + key + "' of the " + what + (what.equals("partition") ? " " : " of partition ")
                        + partition + " holds " + value);
            }
        });
    }

    /**
     * The values as the offset store gives them back (whole numbers as Long, decimals as Double), so the
     * connector's hook sees the same types its tasks will read, as Apache's JSON round trip does.
     */
    @SuppressWarnings("unchecked")
    static <T> T normalized(T value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new java.util.LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), normalized(v)));
            return (T) copy;
        }
        if (value instanceof List<?> list) {
            return (T) list.stream().map(ConnectorOffsetsService::normalized).collect(java.util.stream.Collectors.toList());
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return (T) Long.valueOf(((Number) value).longValue());
        }
        if (value instanceof Float f) {
            return (T) Double.valueOf(f.doubleValue());
        }
        return value;
    }

    // --- sink ---

    private boolean sinkHook(String name, Map<String, String> config, Map<TopicPartition, Long> positions) {
        Connector connector = connector(config);
        return callHook(name, connector, () -> ((SinkConnector) connector).alterOffsets(providers.resolve(config), positions));
    }

    private Map<TopicPartition, Long> sinkPositions(String name, Map<String, String> config) {
        String group = worker.sinkConsumerGroup(name, config);
        try (Admin admin = Admin.create(worker.connectorAdminConfig(name, config))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            Map<TopicPartition, Long> positions = new HashMap<>();
            committed.forEach((tp, om) -> {
                if (om != null) {
                    positions.put(tp, om.offset());
                }
            });
            return positions;
        } catch (Exception e) {
            throw adminFailure("read the offsets of", name, group, e);
        }
    }

    /**
     * Refuses, before the connector's hook or the group sees anything, a position for a partition its topic does
     * not have: the broker would only answer with a bare list of failed partitions. A null position (a reset) is
     * let through, so the leftover offset of a deleted topic can still be removed.
     */
    private void requireExistingPartitions(String name, Map<String, String> config, Map<TopicPartition, Long> positions) {
        List<TopicPartition> set = positions.keySet().stream().filter(tp -> positions.get(tp) != null)
                .sorted(Comparator.comparing(TopicPartition::topic).thenComparing(TopicPartition::partition)).toList();
        if (set.isEmpty()) {
            return;
        }
        Set<String> topics = new TreeSet<>();
        set.forEach(tp -> topics.add(tp.topic()));
        Map<String, Integer> partitionCounts = new HashMap<>();
        try (Admin admin = Admin.create(worker.connectorAdminConfig(name, config))) {
            for (Map.Entry<String, KafkaFuture<TopicDescription>> described
                    : admin.describeTopics(topics).topicNameValues().entrySet()) {
                try {
                    partitionCounts.put(described.getKey(),
                            described.getValue().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).partitions().size());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw e;
                    }
                }
            }
        } catch (Exception e) {
            throw adminFailure("check the topics of the offsets of", name, worker.sinkConsumerGroup(name, config), e);
        }
        for (TopicPartition tp : set) {
            Integer count = partitionCounts.get(tp.topic());
            if (count == null) {
                throw HerderException.badRequest("Cannot set an offset for partition " + tp.partition() + " of topic "
                        + tp.topic() + ": the topic does not exist");
            }
            if (tp.partition() >= count) {
                throw HerderException.badRequest("Cannot set an offset for partition " + tp.partition() + " of topic "
                        + tp.topic() + ": the topic has " + count + " partition(s), numbered 0 to " + (count - 1));
            }
        }
    }

    private void writeSinkPositions(String name, Map<String, String> config, Map<TopicPartition, Long> positions) {
        String group = worker.sinkConsumerGroup(name, config);
        worker.leaveStoppedSinkGroup(name, config);
        Map<TopicPartition, OffsetAndMetadata> altered = new HashMap<>();
        Set<TopicPartition> removed = new HashSet<>();
        positions.forEach((tp, position) -> {
            if (position == null) {
                removed.add(tp);
            } else {
                altered.put(tp, new OffsetAndMetadata(position));
            }
        });
        try (Admin admin = Admin.create(worker.connectorAdminConfig(name, config))) {
            if (!altered.isEmpty()) {
                admin.alterConsumerGroupOffsets(group, altered).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
            if (!removed.isEmpty()) {
                try {
                    admin.deleteConsumerGroupOffsets(group, removed).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                        throw e;
                    }
                }
            }
        } catch (Exception e) {
            throw adminFailure("alter the offsets of", name, group, e);
        }
        log.info("Altered {} and reset {} offset(s) of sink connector {} (group {})", altered.size(), removed.size(), name, group);
    }

    private void deleteGroup(String name, Map<String, String> config) {
        String group = worker.sinkConsumerGroup(name, config);
        worker.leaveStoppedSinkGroup(name, config);
        try (Admin admin = Admin.create(worker.connectorAdminConfig(name, config))) {
            admin.deleteConsumerGroups(Set.of(group)).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                throw adminFailure("reset the offsets of", name, group, e);
            }
        } catch (Exception e) {
            throw adminFailure("reset the offsets of", name, group, e);
        }
        log.info("Reset the offsets of sink connector {} (deleted consumer group {})", name, group);
    }

    private static RuntimeException adminFailure(String what, String name, String group, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof GroupNotEmptyException) {
            return new HerderException.Conflict("Could not " + what + " connector " + name + ": its consumer group "
                    + group + " still has active members; stop every consumer of the group and try again");
        }
        return new ConnectException("Could not " + what + " connector " + name + " (consumer group " + group + "): "
                + cause.getMessage(), cause);
    }

    // --- the connector's hook ---

    private boolean isSink(Map<String, String> config) {
        return SinkConnector.class.isAssignableFrom(connectorClass(config));
    }

    private Class<? extends Connector> connectorClass(Map<String, String> config) {
        try {
            return plugins.pluginClass(config.get(ConnectorConfig.CONNECTOR_CLASS), Connector.class);
        } catch (ConnectException e) {
            throw HerderException.badRequest(e.getMessage());
        }
    }

    private Connector connector(Map<String, String> config) {
        return Plugins.newInstance(connectorClass(config));
    }

    private interface Hook {
        boolean call();
    }

    private static boolean callHook(String name, Connector connector, Hook hook) {
        try (LoaderSwap swap = LoaderSwap.to(connector.getClass().getClassLoader())) {
            return hook.call();
        } catch (UnsupportedOperationException e) {
            throw HerderException.badRequest("Connector " + name + " does not support altering its offsets: "
                    + e.getMessage());
        } catch (ConnectException | IllegalArgumentException e) {
            // the connector's way of refusing what the client sent: its message says what is wrong
            log.info("Connector {} refused the offsets change: {}", name, e.getMessage());
            throw HerderException.badRequest("Connector " + name + " refused these offsets: " + e.getMessage());
        } catch (RuntimeException e) {
            // a bug in the connector, not a refusal: its message would be a Java exception's, so the log keeps it
            log.error("The alterOffsets method of connector {} failed", name, e);
            throw new HerderException.Failed("The alterOffsets method of connector " + name
                    + " failed unexpectedly; the worker's log has the details");
        }
    }
}
