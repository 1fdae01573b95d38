package io.sluice.runtime.rest;

import io.sluice.runtime.config.RestConfig;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sluice's built-in REST authentication (rest.basic.auth.users.file): HTTP Basic against a user=password
 * properties file, the format of Apache's basic-auth credentials file. Refusals are 401 with WWW-Authenticate.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public final class BasicAuthFilter implements ContainerRequestFilter {
    private static final Logger log = LoggerFactory.getLogger(BasicAuthFilter.class);

    /** Apache's internal request: a worker hands the leader task configs, proven by its signature instead. */
    private static final java.util.regex.Pattern TASK_CONFIGS = java.util.regex.Pattern.compile("/?connectors/[^/]+/tasks/?");

    private final Map<String, byte[]> passwords;
    private final String challenge;

    BasicAuthFilter(Map<String, String> users, String realm) {
        this.passwords = new HashMap<>();
        users.forEach((user, password) -> passwords.put(user, password.getBytes(StandardCharsets.UTF_8)));
        this.challenge = "Basic realm=\"" + realm.replace("\"", "") + "\"";
    }

    /** The filter for the users in file (user=password lines); what is protected is named in the log line. */
    public static BasicAuthFilter fromFile(String file, String realm, String what) {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            props.load(in);
        } catch (IOException e) {
            throw new ConfigException(RestConfig.BASIC_AUTH_USERS_FILE, file, "cannot read the users file: " + e.getMessage());
        }
        if (props.isEmpty()) {
            throw new ConfigException(RestConfig.BASIC_AUTH_USERS_FILE, file, "the users file defines no user");
        }
        Map<String, String> users = new HashMap<>();
        props.stringPropertyNames().forEach(user -> users.put(user, props.getProperty(user)));
        log.info("{} requires HTTP Basic authentication ({} user(s))", what, users.size());
        return new BasicAuthFilter(users, realm);
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getMethod().equals("POST") && TASK_CONFIGS.matcher(request.getUriInfo().getPath()).matches()) {
            return; // the herder checks the request signature (inter.worker.*), as Apache's auth extension leaves it to
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (!authenticated(header)) {
            request.abortWith(Response.status(401)
                    .header(HttpHeaders.WWW_AUTHENTICATE, challenge)
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ErrorMessage(401, "Authentication required: send HTTP Basic credentials"))
                    .build());
        }
    }

    private boolean authenticated(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        byte[] expected = passwords.get(decoded.substring(0, colon));
        byte[] given = decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
        // compare even for unknown users, so timing does not tell which users exist
        return MessageDigest.isEqual(expected == null ? new byte[given.length + 1] : expected, given) && expected != null;
    }

}
