package io.sluice.runtime.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.runtime.testing.LogCapture;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.NotControllerException;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The worker's Log4j configuration drops what the embedded broker logs as an error or warning on every start or stop
 * although nothing is wrong, in Kafka's own words and loggers, and lets everything else those loggers say through.
 */
class EmbeddedBrokerLogTest {

    private static final String REGISTRATION_REFUSED = "[ControllerApis nodeId=1] Unexpected error handling request "
            + "RequestHeader(apiKey=CONTROLLER_REGISTRATION, apiVersion=0, clientId=1, correlationId=0, headerVersion=2)"
            + " -- ControllerRegistrationRequestData(controllerId=1, incarnationId=rx_07nU9QCKFDH_l7oS2kw) with context "
            + "RequestContext(header=RequestHeader(apiKey=CONTROLLER_REGISTRATION))";

    @Test
    void controllerRegistrationRefusedBeforeTheControllerActivatedIsNotLoggedAsAnError() {
        try (LogCapture log = LogCapture.open()) {
            LoggerFactory.getLogger("kafka.server.ControllerApis").error(REGISTRATION_REFUSED,
                    new CompletionException(new NotControllerException("The active controller appears to be node 1.")));

            assertEquals(List.of(), log.linesWith("CONTROLLER_REGISTRATION"));
        }
    }

    @Test
    void controllerActivationAndTheDoubleCloseAtStopAreNotLoggedAsWarnings() {
        try (LogCapture log = LogCapture.open()) {
            LoggerFactory.getLogger("org.apache.kafka.controller.QuorumController")
                    .warn("[QuorumController id=1] Performing controller activation.");
            LoggerFactory.getLogger("org.apache.kafka.controller.QuorumController")
                    .warn("[QuorumController id=1] Performing controller activation. The metadata log appears to be "
                            + "empty. Appending 6 bootstrap record(s) in metadata transaction at metadata.version 4.3-IV0.");
            LoggerFactory.getLogger("org.apache.kafka.clients.NetworkClient").warn("[NodeToControllerChannelManager id=1 "
                    + "name=registration] Attempting to close NetworkClient that has already been closed.");

            assertEquals(List.of(), log.linesWith("Performing controller activation"));
            assertEquals(List.of(), log.linesWith("already been closed"));
        }
    }

    @Test
    void everythingElseTheseLoggersSayStillShows() {
        try (LogCapture log = LogCapture.open()) {
            LoggerFactory.getLogger("kafka.server.ControllerApis").error(REGISTRATION_REFUSED.replace(
                    "CONTROLLER_REGISTRATION", "CREATE_TOPICS"), new IllegalStateException("broken"));
            LoggerFactory.getLogger("org.apache.kafka.controller.QuorumController")
                    .warn("[QuorumController id=1] Renouncing the leadership due to a metadata log event.");
            LoggerFactory.getLogger("org.apache.kafka.clients.NetworkClient")
                    .warn("[Producer clientId=p] Connection to node 1 (/127.0.0.1:9092) could not be established.");

            for (String shown : List.of("CREATE_TOPICS", "Renouncing the leadership", "could not be established")) {
                assertEquals(1, log.linesWith(shown).size(), shown + " in " + log.lines());
            }
        }
    }
}
