package io.sluice.runtime.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.runtime.herder.Herder;
import java.lang.reflect.Proxy;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

class HealthResourceTest {

    private static Herder herderAnsweringHealthy(boolean healthy) {
        return herder(true, healthy);
    }

    private static Herder herder(boolean ready, boolean healthy) {
        return (Herder) Proxy.newProxyInstance(Herder.class.getClassLoader(), new Class<?>[] {Herder.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("healthy")) {
                        return ready && healthy;
                    }
                    if (method.getName().equals("ready")) {
                        return ready;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static String status(Response response) {
        return ((HealthResource.WorkerHealth) response.getEntity()).status();
    }

    @Test
    void healthFollowsKip1017() {
        Response healthy = new HealthResource(herderAnsweringHealthy(true)).health();
        assertEquals(200, healthy.getStatus());
        assertEquals("healthy", status(healthy));

        Response stuck = new HealthResource(herderAnsweringHealthy(false)).health();
        assertEquals(500, stuck.getStatus());
        assertEquals("unhealthy", status(stuck));

        Response starting = new HealthResource(null).health();
        assertEquals(503, starting.getStatus());
        assertEquals("starting", status(starting));

        // a distributed worker started but not yet in its cluster: starting, as Apache says, not unhealthy
        Response notJoined = new HealthResource(herder(false, false)).health();
        assertEquals(503, notJoined.getStatus());
        assertEquals("starting", status(notJoined));
    }
}
