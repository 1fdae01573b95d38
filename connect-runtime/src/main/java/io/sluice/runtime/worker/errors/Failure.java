package io.sluice.runtime.worker.errors;

import io.sluice.runtime.storage.ConnectorTaskId;

/** One failed operation, as the reporters (log, dead letter queue) describe it. */
record Failure(ConnectorTaskId task, Stage stage, Class<?> executingClass, RecordContext record,
               Throwable error, int attempts) {
}
