package io.sluice.runtime.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The REST server's worker keys beyond listeners: Apache's admin.listeners, listeners.https.ssl.*,
 * rest.extension.classes, plus Sluice's built-in basic authentication and config redaction. Part of the worker's one
 * definition ({@link WorkerConfig#CONFIG}): parsed and validated with it, read through {@link WorkerConfig#rest()}.
 */
public final class RestConfig {
    public static final String ADMIN_LISTENERS = "admin.listeners";
    public static final String REST_EXTENSION_CLASSES = "rest.extension.classes";
    public static final String HTTPS_PREFIX = "listeners.https.";
    public static final String BASIC_AUTH_USERS_FILE = "rest.basic.auth.users.file";
    public static final String BASIC_AUTH_REALM = "rest.basic.auth.realm";
    public static final String CONFIG_REDACT = "rest.config.redact";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(ADMIN_LISTENERS, Type.LIST, null, Importance.LOW,
                    "Listeners serving /admin endpoints (http:// or https://). Unset: the main listeners serve them; "
                            + "empty: the admin endpoints are disabled.")
            .define(REST_EXTENSION_CLASSES, Type.LIST, List.of(), Importance.LOW,
                    "ConnectRestExtension classes from the plugin path (e.g. Apache's "
                            + "org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension), "
                            + "registered in this order.")
            .define(BASIC_AUTH_USERS_FILE, Type.STRING, null, Importance.MEDIUM,
                    "Sluice's built-in REST authentication: a properties file of user=password lines (the format of "
                            + "Apache's basic-auth credentials file). When set, every request needs HTTP Basic credentials "
                            + "from this file; others get 401 with WWW-Authenticate.")
            .define(BASIC_AUTH_REALM, Type.STRING, "Sluice", Importance.LOW,
                    "The realm named in the WWW-Authenticate header of a 401.")
            .define(CONFIG_REDACT, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Whether GET /connectors/{name}/config masks secret values (PASSWORD keys of the connector's, its "
                            + "converters' and transformations' definitions, and keys named like secrets) as [hidden]. "
                            + "Off by default: Apache returns them there verbatim and tools that copy a config from one "
                            + "cluster to another rely on it. Every other answer that shows a stored connector or task "
                            + "config (GET /connectors/{name}, ?expand=info, /tasks, the answers to creates and updates) "
                            + "masks them always; a masked value sent back in a PUT or PATCH keeps the stored secret.");

    private final WorkerConfig worker;

    RestConfig(WorkerConfig worker) {
        this.worker = worker;
    }

    /** The admin listeners: null when unset (the main listeners serve /admin), empty when disabled. */
    public List<String> adminListeners() {
        return worker.getList(ADMIN_LISTENERS);
    }

    public List<String> extensionClasses() {
        return worker.getList(REST_EXTENSION_CLASSES);
    }

    /** The built-in basic authentication's users file, or null when it is off. */
    public String basicAuthUsersFile() {
        return worker.getString(BASIC_AUTH_USERS_FILE);
    }

    public String basicAuthRealm() {
        return worker.getString(BASIC_AUTH_REALM);
    }

    /** Whether GET /connectors/{name}/config masks secrets too. */
    public boolean redactConfigEndpoint() {
        return worker.getBoolean(CONFIG_REDACT);
    }

    /**
     * TLS settings of https listeners: the listeners.https.ssl.* keys when any is given (prefix removed),
     * otherwise the worker's top-level ssl.* keys, as Apache does.
     */
    public Map<String, Object> httpsSslSettings() {
        Map<String, Object> prefixed = worker.originalsWithPrefix(HTTPS_PREFIX);
        Map<String, Object> ssl = new HashMap<>();
        prefixed.forEach((k, v) -> {
            if (k.startsWith("ssl.")) {
                ssl.put(k, v);
            }
        });
        if (!ssl.isEmpty()) {
            return ssl;
        }
        worker.originals().forEach((k, v) -> {
            if (k.startsWith("ssl.")) {
                ssl.put(k, v);
            }
        });
        return ssl;
    }
}
