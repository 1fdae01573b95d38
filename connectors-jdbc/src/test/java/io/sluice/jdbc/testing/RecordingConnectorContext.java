package io.sluice.jdbc.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.connector.ConnectorContext;

/** A connector context for driving a connector directly: counts reconfiguration requests, keeps raised errors. */
public final class RecordingConnectorContext implements ConnectorContext {
    public final AtomicInteger reconfigurations = new AtomicInteger();
    public final List<Exception> raised = new CopyOnWriteArrayList<>();

    @Override
    public void requestTaskReconfiguration() {
        reconfigurations.incrementAndGet();
    }

    @Override
    public void raiseError(Exception e) {
        raised.add(e);
    }

    @Override
    public PluginMetrics pluginMetrics() {
        return null;
    }
}
