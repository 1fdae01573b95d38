package io.sluice.runtime.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.runtime.herder.HerderException;
import io.sluice.runtime.herder.RequestTargetException;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** Each kind of refusal the control plane makes is answered with Apache's status and error body, decided here only. */
class RestExceptionMapperTest {
    private final RestExceptionMapper mapper = new RestExceptionMapper();

    private void assertAnswer(int status, HerderException refusal) {
        Response response = mapper.toResponse(refusal);
        assertEquals(status, response.getStatus(), refusal.getClass().getSimpleName());
        assertEquals(new ErrorMessage(status, refusal.getMessage()), response.getEntity());
    }

    @Test
    void everyKindOfRefusalIsAnsweredWithApachesStatus() {
        assertAnswer(400, HerderException.badRequest("Connector name is required"));
        assertAnswer(403, new HerderException.Forbidden("Topic tracking is disabled."));
        assertAnswer(404, HerderException.notFound("orders"));
        assertAnswer(404, HerderException.taskNotFound("orders", 3));
        assertAnswer(409, HerderException.alreadyExists("orders"));
        assertAnswer(409, new HerderException.Conflict("This worker has not joined the cluster yet; try again shortly"));
        assertAnswer(409, new RequestTargetException(URI.create("http://leader:8083/"), "Cannot forward"));
        assertAnswer(413, new HerderException.TooLarge("The connector configuration is too large"));
        assertAnswer(500, new HerderException.Failed("Request timed out after 90000 ms"));
        assertAnswer(503, new HerderException.Unavailable("Worker is stopping"));
    }
}
