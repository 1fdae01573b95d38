package io.sluice.runtime.worker;

import io.sluice.runtime.config.ConnectorConfig;
import io.sluice.runtime.config.SinkConnectorConfig;
import io.sluice.runtime.metrics.SinkTaskMetrics;
import io.sluice.runtime.model.ConnectorTaskId;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sink task's place in its consumer group: subscribes to the task's topics or pattern and turns what the group
 * assigns, revokes and loses into the task's open() and close() of partitions, with the commit before a revocation
 * and the rewinds the task asked for there. The consumer calls it inside poll(), on the task thread; a failure in
 * open() or in closing revoked partitions is kept and thrown after that poll, so the task fails on its own loop.
 */
final class SinkGroupMembership implements ConsumerRebalanceListener {
    private static final Logger log = LoggerFactory.getLogger(SinkGroupMembership.class);
    /** Fences within this long of the previous one count as one run of fences, which {@link #MAX_FENCES} bounds. */
    private static final long FENCE_WINDOW_MS = 60_000L;
    private static final int MAX_FENCES = 5;

    /** The put/commit loop's side of a rebalance. */
    interface Loop {
        /** The consumer was sought to offset for tp: what is pending for tp is read again, never put. */
        void rewound(TopicPartition tp, long offset);

        /** The partitions leave the task: drop their pending records, commit them when commit, close them. */
        void release(Collection<TopicPartition> tps, boolean commit);
    }

    private final ConnectorTaskId id;
    private final SinkTask task;
    private final SinkTaskPositions offsets;
    private final SinkPartitionControl partitions;
    private final SinkTaskMetrics metrics;
    private final boolean staticMember;
    private final Loop loop;
    private Consumer<byte[], byte[]> consumer;
    private RuntimeException failure;
    /** Set once the runner closes: the revocation the consumer's own close() triggers must not commit or close again. */
    private boolean closing;
    /** Until this consumer's first assignment arrived; then it is checked once against the subscription. */
    private boolean assignedOnce;
    private boolean checkFirstAssignment;
    private int fences;
    private long lastFenceMs;

    /** staticMember: the consumer has a group.instance.id (KIP-345). */
    SinkGroupMembership(ConnectorTaskId id, SinkTask task, SinkTaskPositions offsets, SinkPartitionControl partitions,
                        SinkTaskMetrics metrics, boolean staticMember, Loop loop) {
        this.id = id;
        this.task = task;
        this.offsets = offsets;
        this.partitions = partitions;
        this.metrics = metrics;
        this.staticMember = staticMember;
        this.loop = loop;
    }

    /**
     * Subscribes consumer (the task's first, or one replacing a fenced one) to the task config's own topics (the
     * worker copies the connector's in) or pattern.
     */
    void subscribe(Consumer<byte[], byte[]> consumer, Map<String, String> taskConfig) {
        this.consumer = consumer;
        assignedOnce = false; // a new consumer (after a fence): its first assignment is checked too
        List<String> topics = SinkConnectorConfig.parseTopics(taskConfig.get(ConnectorConfig.TOPICS));
        String regex = taskConfig.getOrDefault(ConnectorConfig.TOPICS_REGEX, "").trim();
        if (!topics.isEmpty()) {
            consumer.subscribe(topics, this);
        } else if (!regex.isEmpty()) {
            consumer.subscribe(Pattern.compile(regex), this);
        } else {
            throw new ConnectException("Sink task " + id + " has neither topics nor topics.regex; set one of them");
        }
    }

    /** Called after each poll: a failure kept from its callbacks fails the task now. */
    void afterPoll() {
        if (failure != null) {
            throw failure;
        }
        if (checkFirstAssignment) {
            checkFirstAssignment = false;
            rebalanceIfSubscriptionUncovered();
        }
    }

    /**
     * Another consumer joined the group as this task's static member and fenced this one: a copy of the task on a
     * worker back from a freeze, which polled before it learned that it lost the task (Apache's dynamic members
     * never fence each other). The worker still runs the task here, so it rejoins rather than fails: this closes
     * the partitions in the task as lost ones, without a commit (what was put but not committed is read again,
     * at-least-once; nothing is skipped), closes the fenced consumer and returns how long to wait before the new
     * one joins: longer with each fence in a row, so the copy's worker can stop it first. Throws after
     * {@link #MAX_FENCES} fences in a row (each within {@link #FENCE_WINDOW_MS} of the last).
     */
    long fenced(FencedInstanceIdException e) {
        long now = System.currentTimeMillis();
        fences = now - lastFenceMs > FENCE_WINDOW_MS ? 1 : fences + 1;
        lastFenceMs = now;
        String instance = consumer.groupMetadata().groupInstanceId().orElse("?");
        if (fences > MAX_FENCES) {
            throw new ConnectException("Sink task " + id + " was fenced " + MAX_FENCES + " times in a row by another "
                    + "consumer with group.instance.id " + instance + "; check that no other worker or client uses it", e);
        }
        log.warn("{} was fenced by another consumer with its group.instance.id {} (a copy of this task on a worker "
                + "back from a pause?); rejoining with a new consumer ({} of {})", loop, instance, fences, MAX_FENCES);
        onPartitionsLost(new HashSet<>(consumer.assignment()));
        try {
            consumer.close(Duration.ZERO);
        } catch (RuntimeException closing) {
            log.debug("{} closing its fenced consumer threw: {}", loop, closing.toString());
        }
        return Math.min(10_000L, 1_000L << (fences - 1));
    }

    /** The runner closes its partitions itself; from now on the consumer's callbacks change nothing. */
    void closing() {
        closing = true;
    }

    /**
     * A static member (KIP-345) that rejoins a stable group gets its previous assignment without a rebalance, even
     * when its subscription changed meanwhile (a topics.regex now matching topics created while it was away, an edited
     * topics list), and nothing else makes the group look again until the topics' metadata changes: such a task
     * stayed without those topics across restarts. When a subscribed topic has no partition here after the first
     * assignment, one rebalance settles it (it may rightly be another task's: then the rebalance changes nothing).
     */
    private void rebalanceIfSubscriptionUncovered() {
        if (!staticMember) {
            return;
        }
        Set<String> uncovered = new TreeSet<>(consumer.subscription());
        consumer.assignment().forEach(tp -> uncovered.remove(tp.topic()));
        if (!uncovered.isEmpty()) {
            log.info("{} rejoined its group with no partition of {}: asking for a rebalance", loop, uncovered);
            consumer.enforceRebalance("subscribed topics " + uncovered + " have no partition assigned here");
        }
    }

    /** Opens assigned partitions in the task at the consumer's positions, then applies the rewinds it asked for. */
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
        if (!assignedOnce) {
            assignedOnce = true;
            checkFirstAssignment = true;
        }
        if (assigned.isEmpty()) {
            return;
        }
        for (TopicPartition tp : assigned) {
            offsets.resetTo(tp, consumer.position(tp));
        }
        partitions.onAssigned(assigned);
        metrics.partitionCount(offsets.partitionCount());
        try {
            task.open(assigned);
            applyRequestedRewinds();
        } catch (RuntimeException e) {
            failure = new ConnectException("open() of sink task " + id + " failed", e);
        }
    }

    /** Commits and closes revoked partitions, unless the runner is closing: it already did (or, failed, did not). */
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
        if (revoked.isEmpty() || failure != null || closing) {
            return;
        }
        try {
            loop.release(revoked, true);
        } catch (RuntimeException e) {
            failure = new ConnectException("Closing revoked partitions of sink task " + id + " failed", e);
        }
        forget(revoked);
        applyRequestedRewinds();
    }

    /** Closes lost partitions without a commit: another member may own them already. */
    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
        if (lost.isEmpty() || closing) {
            return;
        }
        try {
            loop.release(lost, false);
        } catch (RuntimeException e) {
            log.warn("{} close() of lost partitions threw", loop, e);
        }
        forget(lost);
        applyRequestedRewinds();
    }

    /**
     * Applies the rewinds the task asked for in open(), or in close() for the partitions it keeps (the file
     * sink's one-file stream cuts uncommitted records of every partition), inside the callback as Apache does for
     * open(): the poll running it then returns records from the rewound positions only (the consumer discards
     * what it fetched from the old ones).
     */
    private void applyRequestedRewinds() {
        partitions.applySeeks(loop::rewound);
    }

    private void forget(Collection<TopicPartition> gone) {
        offsets.forget(gone);
        metrics.partitionsLeft(gone);
        partitions.forget(gone);
        metrics.partitionCount(offsets.partitionCount());
    }
}
