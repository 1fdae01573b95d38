package io.sluice.s3.source;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToIntBiFunction;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the topics a restore writes to have the partitions it writes to, before it reads a byte: a record for a
 * partition the topic lacks waits forever in the producer (tryout20: a restore of a 3-partition archive into a topic
 * the broker auto-created with one partition delivered partition 0 and hung). A missing target is created with the
 * archive's partition count (by the worker, honouring the connector's topic.creation.* settings, see Sluice's source
 * task context); one that exists with too few partitions fails the task, saying what to do.
 */
final class RestoreTargets {

    private static final Logger log = LoggerFactory.getLogger(RestoreTargets.class);

    private RestoreTargets() {
    }

    /**
     * @param units   this task's units
     * @param mapping restored topic to target topic (absent: the same name)
     * @param archive restored topic to its archive's partition count, as the connector listed it
     */
    static void check(SourceTaskContext context, List<SourceUnit> units, Map<String, String> mapping,
                      Map<String, Integer> archive) {
        if (!(context instanceof ToIntBiFunction<?, ?> capability)) {
            return; // a runtime without Sluice's topic look-up (Apache's): its producer waits as before
        }
        @SuppressWarnings("unchecked")
        ToIntBiFunction<String, Integer> topics = (ToIntBiFunction<String, Integer>) capability;
        Map<String, Integer> highest = new TreeMap<>();
        units.stream().filter(u -> u.prefix() == null && u.partition() != null)
                .forEach(u -> highest.merge(u.topic(), u.partition(), Math::max));
        for (Map.Entry<String, Integer> e : highest.entrySet()) {
            String source = e.getKey();
            String target = mapping.getOrDefault(source, source);
            int partition = e.getValue();
            int archived = Math.max(archive.getOrDefault(source, 0), partition + 1);
            int has = topics.applyAsInt(target, archived);
            if (has > partition) {
                continue;
            }
            if (has > 0) {
                throw new ConnectException("Topic " + target + " has " + has + " partition(s), but the archive of "
                        + source + " holds partition " + partition + " (" + archived + " partitions in all), and a "
                        + "restore writes each record to the partition it was archived from. Add partitions "
                        + "(kafka-topics.sh --alter --topic " + target + " --partitions " + archived + "), or restore "
                        + "into a topic that does not exist yet (topic.mapping=" + source + ":<new topic>), which the "
                        + "restore creates with " + archived + " partitions; then restart the task");
            }
            log.warn("Could not make sure topic {} has the {} partitions the archive of {} holds ({}); records for a "
                    + "partition it lacks wait until it has it", target, archived, source,
                    has == 0 ? "it does not exist and the worker creates no topics (topic.creation.enable=false)"
                            : "Kafka did not answer");
        }
    }
}
