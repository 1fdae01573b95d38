package io.sluice.runtime.worker;

/** What a running connector asks of the herder that owns it. */
public interface ConnectorEvents {

    /** The connector called {@code ConnectorContext.requestTaskReconfiguration()}. */
    void onTaskReconfigurationRequest(String connector);
}
