package io.sluice.jdbc.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The sink's writer thread works on the task's behalf, and says so in what it logs. */
class BackgroundWriteTest {

    @Test
    void aBatchWrittenOnTheWriterThreadLogsInTheTasksContext() {
        // what the worker sets on a task's thread before start(), where the writer is created
        MDC.put("connector.context", "[orders-sink|task-0] ");
        AtomicReference<String> context = new AtomicReference<>();
        AtomicReference<String> thread = new AtomicReference<>();
        AtomicReference<ClassLoader> loader = new AtomicReference<>();
        try (BackgroundWrite writer = new BackgroundWrite("orders-sink", 0)) {
            MDC.clear();
            writer.start(() -> {
                context.set(MDC.get("connector.context"));
                thread.set(Thread.currentThread().getName());
                loader.set(Thread.currentThread().getContextClassLoader());
            });
            writer.await();
        } finally {
            MDC.clear();
        }
        assertEquals("[orders-sink|task-0] ", context.get(), "retries and failures logged there name the task");
        assertEquals("sluice-jdbc-writer-orders-sink", thread.get());
        assertEquals(BackgroundWrite.class.getClassLoader(), loader.get(), "it loads with the plugin's class loader");
    }
}
