package io.sluice.runtime.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Enforces tasks.max on the task configs a connector returns (KIP-1004: tasks.max.enforce). */
final class TaskConfigLimit {
    private static final Logger log = LoggerFactory.getLogger(TaskConfigLimit.class);

    private TaskConfigLimit() {
    }

    /**
     * Returns the task configs when there are at most maxTasks; with more, fails when enforce (tasks.max.enforce),
     * else warns and keeps them all (deprecated in Apache).
     */
    static List<Map<String, String>> check(String connector, boolean enforce, List<Map<String, String>> taskConfigs,
                                           int maxTasks) {
        if (taskConfigs == null) {
            throw new ConnectException("Connector " + connector + " returned null task configs");
        }
        List<Map<String, String>> copy = new ArrayList<>(taskConfigs.size());
        for (Map<String, String> config : taskConfigs) {
            copy.add(config == null ? Map.of() : Map.copyOf(config));
        }
        if (copy.size() <= maxTasks) {
            return copy;
        }
        if (enforce) {
            throw new TooManyTasksException(connector, copy.size(), maxTasks);
        }
        log.warn("Connector {} generated {} task configs, more than tasks.max={}; keeping them all because "
                + "tasks.max.enforce=false (deprecated: raise tasks.max or fix the connector)", connector, copy.size(), maxTasks);
        return copy;
    }

    /** A connector generated more task configs than tasks.max allows. */
    static final class TooManyTasksException extends ConnectException {
        TooManyTasksException(String connector, int generated, int maxTasks) {
            super("The connector " + connector + " has generated " + generated + " tasks, which is greater than "
                    + maxTasks + ", the maximum number of tasks it is configured to create. This behavior should be "
                    + "considered a bug and is disallowed. If necessary, it can be permitted by reconfiguring the "
                    + "connector with 'tasks.max.enforce' set to false; however, this option will be removed in a "
                    + "future release of Kafka Connect.");
        }
    }
}
