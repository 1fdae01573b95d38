package io.sluice.runtime.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.sluice.runtime.plugins.PluginDesc;

/** One entry of GET /connector-plugins: {"class", "type", "version"}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PluginInfo(@JsonProperty("class") String className, String type, String version) {

    static PluginInfo of(PluginDesc desc) {
        return new PluginInfo(desc.className(), desc.type().restName(), desc.version());
    }
}
