package io.sluice.runtime.worker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the static members (KIP-345) of sink tasks that no longer exist out of their consumer groups. A static
 * member does not leave its group when its consumer closes (so that its next run rejoins as itself); when no next
 * run will come, its partitions would wait for its session timeout unless it is removed.
 */
final class StaticMembers {
    private static final Logger log = LoggerFactory.getLogger(StaticMembers.class);

    private StaticMembers() {
    }

    /** Removes the static members of these consumer configs from their groups; best effort, bounded by timeoutMs. */
    static void leave(List<Map<String, Object>> consumerConfigs, long timeoutMs) {
        Map<Map<String, Object>, List<String>> membersByGroup = new LinkedHashMap<>();
        for (Map<String, Object> consumer : consumerConfigs) {
            Object instance = consumer.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
            if (instance != null) {
                membersByGroup.computeIfAbsent(connection(consumer), c -> new ArrayList<>()).add(instance.toString());
            }
        }
        membersByGroup.forEach((connection, members) -> {
            String group = String.valueOf(connection.get(ConsumerConfig.GROUP_ID_CONFIG));
            Map<String, Object> adminConfig = new HashMap<>(connection);
            adminConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
            try (Admin admin = Admin.create(adminConfig)) {
                admin.removeMembersFromConsumerGroup(group, new RemoveMembersFromConsumerGroupOptions(
                        members.stream().map(MemberToRemove::new).toList())).all().get(timeoutMs, TimeUnit.MILLISECONDS);
                log.info("Static members {} left consumer group {}: their tasks no longer exist", members, group);
            } catch (ExecutionException | TimeoutException e) {
                // gone already (not a member, no such group) or Kafka unreachable: the session timeout removes them
                log.debug("Could not remove static members {} from consumer group {}: {}", members, group, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /**
     * Removes from the consumer's group every static member whose id is the prefix followed by a task number (the
     * members a connector's tasks left, however many it had); best effort, bounded by timeoutMs.
     */
    static void leaveAllNamed(Map<String, Object> consumer, String prefix, long timeoutMs) {
        Map<String, Object> connection = connection(consumer);
        String group = String.valueOf(connection.remove(ConsumerConfig.GROUP_ID_CONFIG));
        try (Admin admin = Admin.create(connection)) {
            List<MemberToRemove> members = admin.describeConsumerGroups(List.of(group)).all()
                    .get(timeoutMs, TimeUnit.MILLISECONDS).get(group).members().stream()
                    .map(m -> m.groupInstanceId().orElse(null))
                    .filter(id -> id != null && id.startsWith(prefix) && id.substring(prefix.length()).matches("\\d+"))
                    .map(MemberToRemove::new).toList();
            if (!members.isEmpty()) {
                admin.removeMembersFromConsumerGroup(group, new RemoveMembersFromConsumerGroupOptions(members)).all()
                        .get(timeoutMs, TimeUnit.MILLISECONDS);
                log.info("Static members {} of stopped tasks left consumer group {}", members.size(), group);
            }
        } catch (ExecutionException | TimeoutException e) {
            log.debug("Could not remove the static members of consumer group {}: {}", group, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The consumer's group and how it reaches its cluster (bootstrap, security), which an admin client needs too. */
    private static Map<String, Object> connection(Map<String, Object> consumer) {
        Map<String, Object> connection = new HashMap<>();
        consumer.forEach((key, value) -> {
            if (key.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG) || key.equals(ConsumerConfig.GROUP_ID_CONFIG)
                    || key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                connection.put(key, value);
            }
        });
        return connection;
    }
}
