package io.sluice.runtime.rest;

import io.sluice.runtime.config.ConfigInfos;
import io.sluice.runtime.config.ConnectorConfig;
import io.sluice.runtime.config.SecretKeys;
import io.sluice.runtime.herder.Herder;
import io.sluice.runtime.herder.HerderException;
import io.sluice.runtime.plugins.PluginDesc;
import io.sluice.runtime.plugins.PluginType;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * /connector-plugins: what is installed, and config validation for a connector class. A config that names a stored
 * connector of the same class and sends its secrets back masked (an edit in the console) is validated with the
 * stored secrets, which the answer shows masked.
 */
@Path("/connector-plugins")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class ConnectorPluginsResource {
    private final Herder herder;
    private final SecretKeys secrets;

    public ConnectorPluginsResource(Herder herder, SecretKeys secrets) {
        this.herder = herder;
        this.secrets = secrets;
    }

    @GET
    public List<PluginInfo> listPlugins(@DefaultValue("true") @QueryParam("connectorsOnly") boolean connectorsOnly) {
        // Apache lists connectors, converters, header converters, transformations and predicates; never
        // config providers or REST extensions
        EnumSet<PluginType> types = connectorsOnly ? EnumSet.of(PluginType.SOURCE, PluginType.SINK)
                : EnumSet.of(PluginType.SOURCE, PluginType.SINK, PluginType.CONVERTER, PluginType.HEADER_CONVERTER,
                        PluginType.TRANSFORMATION, PluginType.PREDICATE);
        return herder.plugins(types).stream().map(PluginInfo::of).distinct().toList();
    }

    @GET
    @Path("/{pluginName}/config")
    public List<ConfigInfos.ConfigKeyInfo> pluginConfig(@PathParam("pluginName") String pluginName) {
        return herder.connectorPluginConfig(pluginName);
    }

    @PUT
    @Path("/{pluginName}/config/validate")
    public ConfigInfos validate(@PathParam("pluginName") String pluginName, Map<String, String> config) {
        if (config == null) {
            throw HerderException.badRequest("Request body must be the connector config as a JSON object");
        }
        Map<String, String> withClass = new HashMap<>(config);
        String declared = withClass.get(ConnectorConfig.CONNECTOR_CLASS);
        if (declared == null) {
            withClass.put(ConnectorConfig.CONNECTOR_CLASS, pluginName);
        } else if (!sameConnector(declared, pluginName)) {
            throw HerderException.badRequest("Included connector type " + declared
                    + " does not match request type " + pluginName);
        }
        return herder.validateConnectorConfig(withStoredSecrets(withClass));
    }

    private Map<String, String> withStoredSecrets(Map<String, String> config) {
        String name = config.get(ConnectorConfig.NAME);
        Map<String, String> stored = name == null || name.isBlank() ? null
                : ConnectorsResource.storedOrNull(herder, name);
        if (stored == null || !String.valueOf(stored.get(ConnectorConfig.CONNECTOR_CLASS))
                .equals(config.get(ConnectorConfig.CONNECTOR_CLASS))) {
            return config;
        }
        return secrets.unmask(config, stored);
    }

    private boolean sameConnector(String declared, String pluginName) {
        if (declared.equals(pluginName)) {
            return true;
        }
        List<PluginDesc> connectors = herder.plugins(EnumSet.of(PluginType.SOURCE, PluginType.SINK));
        return connectors.stream().anyMatch(d -> matches(d, declared) && matches(d, pluginName));
    }

    private static boolean matches(PluginDesc desc, String name) {
        String simple = desc.simpleName();
        return Arrays.asList(desc.className(), simple, simple.replaceAll("Connector$", "")).contains(name);
    }
}
