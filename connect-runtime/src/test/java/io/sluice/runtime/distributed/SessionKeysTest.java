package io.sluice.runtime.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.herder.HerderException;
import io.sluice.runtime.herder.InternalRequestSignature;
import io.sluice.runtime.storage.SessionKey;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SessionKeysTest {
    private final SessionKeys keys = new SessionKeys(config(Map.of("inter.worker.key.ttl.ms", "1000")));
    private final byte[] body = "[{\"task.class\":\"T\"}]".getBytes(StandardCharsets.UTF_8);

    @Test
    void aRequestSignedWithTheCurrentKeyIsAccepted() {
        SessionKey key = keys.generate(0);
        keys.verify(received(body, keys.signatureHeaders(key, body)), key);
    }

    @Test
    void aChangedBodyOrAnotherKeyIsForbidden() {
        SessionKey key = keys.generate(0);
        Map<String, String> headers = keys.signatureHeaders(key, body);
        byte[] changed = "[{\"task.class\":\"Evil\"}]".getBytes(StandardCharsets.UTF_8);
        assertThrows(HerderException.Forbidden.class,
                () -> keys.verify(received(changed, headers), key));
        assertThrows(HerderException.Forbidden.class,
                () -> keys.verify(received(body, headers), keys.generate(1)));
        assertThrows(HerderException.Forbidden.class,
                () -> keys.verify(received(body, headers), null), "no key yet: nothing verifies");
    }

    @Test
    void anUnsignedRequestOrAnUnacceptedAlgorithmIsABadRequest() {
        SessionKey key = keys.generate(0);
        HerderException unsigned = assertThrows(HerderException.BadRequest.class, () -> keys.verify(null, key));
        assertEquals("Internal request missing required signature", unsigned.getMessage());
        InternalRequestSignature sha1 = InternalRequestSignature.fromHeaders(body,
                InternalRequestSignature.sign(key, "HmacSHA1", body), "HmacSHA1");
        assertThrows(HerderException.BadRequest.class, () -> keys.verify(sha1, key));
        assertThrows(HerderException.BadRequest.class,
                () -> InternalRequestSignature.fromHeaders(body, "not base64!", "HmacSHA256"));
    }

    @Test
    void theLeaderWritesAKeyWhenThereIsNoneAndAgainAfterItsTtl() {
        assertTrue(keys.due(null, 0));
        SessionKey key = keys.generate(5_000);
        assertFalse(keys.due(key, 5_999));
        assertTrue(keys.due(key, 6_000));
        assertEquals("HmacSHA256", key.algorithm());
        assertFalse(key.toString().contains(java.util.Base64.getEncoder().encodeToString(key.key())),
                "a key never reaches a log line");
    }

    @Test
    void unknownAlgorithmsStopTheWorkerAtStart() {
        assertThrows(ConfigException.class,
                () -> new SessionKeys(config(Map.of("inter.worker.key.generation.algorithm", "NoSuchMac"))));
        assertThrows(ConfigException.class,
                () -> new SessionKeys(config(Map.of("inter.worker.signature.algorithm", "HmacSHA512"))));
        assertThrows(ConfigException.class,
                () -> new SessionKeys(config(Map.of("inter.worker.verification.algorithms", "HmacSHA256,NoSuchMac"))));
    }

    private static InternalRequestSignature received(byte[] body, Map<String, String> headers) {
        return InternalRequestSignature.fromHeaders(body, headers.get(InternalRequestSignature.SIGNATURE_HEADER),
                headers.get(InternalRequestSignature.ALGORITHM_HEADER));
    }

    private static WorkerConfig config(Map<String, String> overrides) {
        Map<String, String> props = new HashMap<>(Map.of("bootstrap.servers", "localhost:9092"));
        props.putAll(overrides);
        return new WorkerConfig(props);
    }
}
