package io.sluice.runtime.it;

import io.sluice.runtime.worker.TestSourceConnector;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A careless plugin: logs its own password at start, in a message and in an error's message, as real connectors
 * and drivers do (a URL with the password in it, a config dump). Otherwise the worker tests' source.
 */
public class SecretLoggingSourceConnector extends TestSourceConnector {
    private static final Logger log = LoggerFactory.getLogger(SecretLoggingSourceConnector.class);

    @Override
    public void start(Map<String, String> props) {
        log.info("Connecting as {} with {}", props.get("db.user"), props.get("db.password"));
        log.warn("First attempt refused", new IllegalStateException("login refused for secret " + props.get("db.password")));
        super.start(props);
    }
}
