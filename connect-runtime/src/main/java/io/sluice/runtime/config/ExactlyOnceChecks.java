package io.sluice.runtime.config;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.source.ConnectorTransactionBoundaries;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * The preflight checks KIP-618 adds to a source connector's validation on a worker with exactly-once source
 * enabled: exactly.once.support=required and transaction.boundary=connector must be backed by the connector.
 */
final class ExactlyOnceChecks {
    private ExactlyOnceChecks() {
    }

    /** Adds an error to exactly.once.support or transaction.boundary when the connector cannot honour them. */
    static void check(SourceConnector connector, Map<String, String> props, List<ConfigValue> values) {
        if ("required".equalsIgnoreCase(trimmed(props.get(SourceConnectorConfig.EXACTLY_ONCE_SUPPORT)))) {
            String error = exactlyOnceError(connector, props);
            if (error != null) {
                ConnectorConfigValidator.errorOn(values, SourceConnectorConfig.EXACTLY_ONCE_SUPPORT, "required")
                        .addErrorMessage(error);
            }
        }
        if ("connector".equalsIgnoreCase(trimmed(props.get(SourceConnectorConfig.TRANSACTION_BOUNDARY)))) {
            String error = boundaryError(connector, props);
            if (error != null) {
                ConnectorConfigValidator.errorOn(values, SourceConnectorConfig.TRANSACTION_BOUNDARY, "connector")
                        .addErrorMessage(error);
            }
        }
    }

    private static String exactlyOnceError(SourceConnector connector, Map<String, String> props) {
        ExactlyOnceSupport support;
        try {
            support = connector.exactlyOnceSupport(props);
        } catch (RuntimeException e) {
            return "The connector failed to report whether it supports exactly-once semantics: " + e.getMessage();
        }
        if (support == null) {
            return "The connector does not implement the API required for preflight validation of exactly-once "
                    + "source support. Consult its documentation and, if it supports exactly-once semantics, set "
                    + "this property to \"requested\" to skip this check.";
        }
        return support == ExactlyOnceSupport.SUPPORTED ? null
                : "The connector does not support exactly-once semantics with the provided configuration.";
    }

    private static String boundaryError(SourceConnector connector, Map<String, String> props) {
        ConnectorTransactionBoundaries boundaries;
        try {
            boundaries = connector.canDefineTransactionBoundaries(props);
        } catch (RuntimeException e) {
            return "The connector failed to report whether it can define transaction boundaries: " + e.getMessage();
        }
        return boundaries == ConnectorTransactionBoundaries.SUPPORTED ? null
                : "The connector does not support connector-defined transaction boundaries with the given "
                        + "configuration. Reconfigure it to use a different transaction boundary definition.";
    }

    private static String trimmed(String value) {
        return value == null ? null : value.trim();
    }
}
