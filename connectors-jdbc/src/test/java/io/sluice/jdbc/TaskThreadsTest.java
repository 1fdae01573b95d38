package io.sluice.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** A thread a task starts for itself (the sink's writer, the source's reader) works on the task's behalf, and says so. */
class TaskThreadsTest {

    @Test
    void aThreadStartedForTheTaskLogsInTheTasksContextWithThePluginsLoader() throws Exception {
        // what the worker sets on a task's thread before start(), where the sink's writer is created
        MDC.put("connector.context", "[orders-sink|task-0] ");
        AtomicReference<String> context = new AtomicReference<>();
        AtomicReference<String> thread = new AtomicReference<>();
        AtomicReference<ClassLoader> loader = new AtomicReference<>();
        ExecutorService writer = Executors.newSingleThreadExecutor(TaskThreads.named("sluice-jdbc-writer-orders-sink"));
        try {
            MDC.clear();
            writer.submit(() -> {
                context.set(MDC.get("connector.context"));
                thread.set(Thread.currentThread().getName());
                loader.set(Thread.currentThread().getContextClassLoader());
            }).get(10, TimeUnit.SECONDS);
        } finally {
            writer.shutdownNow();
            MDC.clear();
        }
        assertEquals("[orders-sink|task-0] ", context.get(), "retries and failures logged there name the task");
        assertEquals("sluice-jdbc-writer-orders-sink", thread.get());
        assertEquals(TaskThreads.class.getClassLoader(), loader.get(), "it loads with the plugin's class loader");
    }
}
