package io.sluice.runtime.distributed;

import io.sluice.runtime.distributed.ConnectProtocol.Assignment;
import io.sluice.runtime.distributed.ConnectProtocol.MemberMetadata;
import io.sluice.runtime.distributed.ConnectProtocol.WorkerShare;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.storage.ClusterConfigState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The leader's incremental cooperative assignment (Apache's idea, our code): every worker keeps what it
 * runs unless it holds more than its fair share; excess is revoked in one rebalance and handed out in the
 * next, once its old owner has stopped it, so nothing ever runs twice. Work of a worker that left is held
 * back up to scheduled.rebalance.max.delay.ms, in case it returns, and then goes to the least loaded.
 * Connectors and tasks are balanced separately. Not thread-safe: the leader's group thread owns it.
 */
final class IncrementalAssignor {
    private final long maxDelayMs;
    /** Who was assigned each connector (String) and task (ConnectorTaskId) in the previous round. */
    private Map<Object, String> previousOwners = Map.of();
    /** When held-back work of departed workers is reassigned; 0 when nothing is held back. */
    private long delayDeadline;

    IncrementalAssignor(long maxDelayMs) {
        this.maxDelayMs = maxDelayMs;
    }

    /** Each member's assignment, keyed by member id, for the given members and config. */
    Map<String, Assignment> assign(String leaderId, Map<String, MemberMetadata> members, ClusterConfigState config,
                                   long nowMs) {
        TreeMap<String, MemberMetadata> sorted = new TreeMap<>(members);
        Set<String> connectors = new TreeSet<>(config.connectorConfigs().keySet());
        Set<ConnectorTaskId> tasks = new TreeSet<>();
        for (String connector : connectors) {
            for (int i = 0; i < config.taskConfigs(connector).size(); i++) {
                tasks.add(new ConnectorTaskId(connector, i));
            }
        }
        Map<String, Set<String>> ownedConnectors = owned(sorted, MemberMetadata::connectors, connectors);
        Map<String, Set<ConnectorTaskId>> ownedTasks = owned(sorted, MemberMetadata::tasks, tasks);

        Set<Object> lost = new HashSet<>();
        lost.addAll(lost(connectors, ownedConnectors, sorted.keySet()));
        lost.addAll(lost(tasks, ownedTasks, sorted.keySet()));
        Set<Object> held = Set.of();
        long delay = 0;
        if (lost.isEmpty() || maxDelayMs == 0) {
            delayDeadline = 0;
        } else {
            if (delayDeadline == 0) {
                delayDeadline = nowMs + maxDelayMs;
            }
            if (nowMs < delayDeadline) {
                held = lost;
                delay = delayDeadline - nowMs;
            } else {
                delayDeadline = 0;
            }
        }

        Map<String, TreeSet<String>> connectorShares = balance(connectors, ownedConnectors, held);
        Map<String, TreeSet<ConnectorTaskId>> taskShares = balance(tasks, ownedTasks, held);

        Map<Object, String> owners = new HashMap<>();
        for (Object item : held) {
            owners.put(item, previousOwners.get(item));
        }
        List<WorkerShare> cluster = new ArrayList<>();
        for (String member : sorted.keySet()) {
            connectorShares.get(member).forEach(c -> owners.put(c, member));
            taskShares.get(member).forEach(t -> owners.put(t, member));
            cluster.add(new WorkerShare(sorted.get(member).url(), connectorShares.get(member), taskShares.get(member)));
        }
        previousOwners = owners;

        String leaderUrl = sorted.containsKey(leaderId) ? sorted.get(leaderId).url() : null;
        Map<String, Assignment> result = new LinkedHashMap<>();
        for (String member : sorted.keySet()) {
            result.put(member, new Assignment(leaderId, leaderUrl, config.offset(), connectorShares.get(member),
                    taskShares.get(member), delay, cluster));
        }
        return result;
    }

    /** What each member runs of what exists; an item two members claim stays with the first (by member id). */
    private static <T> Map<String, Set<T>> owned(TreeMap<String, MemberMetadata> members,
                                                 Function<MemberMetadata, Set<T>> running, Set<T> existing) {
        Set<T> claimed = new HashSet<>();
        Map<String, Set<T>> owned = new TreeMap<>();
        for (Map.Entry<String, MemberMetadata> member : members.entrySet()) {
            Set<T> mine = new HashSet<>();
            for (T item : running.apply(member.getValue())) {
                if (existing.contains(item) && claimed.add(item)) {
                    mine.add(item);
                }
            }
            owned.put(member.getKey(), mine);
        }
        return owned;
    }

    /** Items nobody runs whose previous owner is no longer in the group. */
    private <T> Set<T> lost(Set<T> existing, Map<String, Set<T>> owned, Set<String> members) {
        Set<T> running = new HashSet<>();
        owned.values().forEach(running::addAll);
        Set<T> lost = new HashSet<>();
        for (T item : existing) {
            String previous = previousOwners.get(item);
            if (!running.contains(item) && previous != null && !members.contains(previous)) {
                lost.add(item);
            }
        }
        return lost;
    }

    /**
     * Caps each member at its fair share (floor or ceiling of the total, the busiest members getting the
     * ceilings so the fewest items move), revoking the excess, then hands the unowned items not held back
     * and not revoked just now to the least loaded members.
     */
    private static <T extends Comparable<T>> Map<String, TreeSet<T>> balance(Set<T> existing, Map<String, Set<T>> owned,
                                                                          Set<Object> held) {
        int members = owned.size();
        int total = (int) existing.stream().filter(item -> !held.contains(item)).count();
        int base = total / members;
        int extra = total % members;
        List<String> busiestFirst = new ArrayList<>(owned.keySet());
        busiestFirst.sort(Comparator.comparingInt((String m) -> -owned.get(m).size()).thenComparing(m -> m));

        Map<String, TreeSet<T>> shares = new TreeMap<>();
        Set<T> running = new HashSet<>();
        Set<T> revoked = new HashSet<>();
        for (int i = 0; i < busiestFirst.size(); i++) {
            String member = busiestFirst.get(i);
            int cap = base + (i < extra ? 1 : 0);
            TreeSet<T> mine = new TreeSet<>(owned.get(member));
            running.addAll(mine);
            while (mine.size() > cap) {
                revoked.add(mine.pollLast());
            }
            shares.put(member, mine);
        }
        for (T item : new TreeSet<>(existing)) {
            if (running.contains(item) || revoked.contains(item) || held.contains(item)) {
                continue;
            }
            String least = null;
            for (Map.Entry<String, TreeSet<T>> share : shares.entrySet()) {
                if (least == null || share.getValue().size() < shares.get(least).size()) {
                    least = share.getKey();
                }
            }
            shares.get(least).add(item);
        }
        return shares;
    }
}
