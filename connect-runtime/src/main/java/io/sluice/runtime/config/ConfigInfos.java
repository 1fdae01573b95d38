package io.sluice.runtime.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The answer to a connector config validation, shaped exactly like Apache Kafka Connect's
 * {@code ConfigInfos} JSON (the body of {@code PUT /connector-plugins/{type}/config/validate}).
 */
public record ConfigInfos(
        @JsonProperty("name") String name,
        @JsonProperty("error_count") int errorCount,
        @JsonProperty("groups") List<String> groups,
        @JsonProperty("configs") List<ConfigInfo> configs) {

    public ConfigInfos {
        groups = List.copyOf(groups);
        configs = List.copyOf(configs);
    }

    /** Every error message, in the order of the configs; handy for one-line summaries. */
    public List<String> allErrors() {
        return configs.stream()
                .filter(c -> c.value() != null)
                .flatMap(c -> c.value().errors().stream())
                .toList();
    }

    /** The same answer with every error message passed through {@code rewrite} (e.g. to hide secrets). */
    public ConfigInfos withErrors(UnaryOperator<String> rewrite) {
        List<ConfigInfo> rewritten = configs.stream().map(c -> {
            ConfigValueInfo v = c.value();
            return v == null || v.errors().isEmpty() ? c : new ConfigInfo(c.definition(), new ConfigValueInfo(v.name(),
                    v.value(), v.recommendedValues(), v.errors().stream().map(rewrite).toList(), v.visible()));
        }).toList();
        return new ConfigInfos(name, errorCount, groups, rewritten);
    }

    /** The entry for one key, or null. */
    public ConfigInfo config(String key) {
        for (ConfigInfo info : configs) {
            String name = info.definition() != null ? info.definition().name()
                    : info.value() != null ? info.value().name() : null;
            if (key.equals(name)) {
                return info;
            }
        }
        return null;
    }

    /** One key: its definition (null for keys the definitions don't know) and its validated value. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ConfigInfo(
            @JsonProperty("definition") ConfigKeyInfo definition,
            @JsonProperty("value") ConfigValueInfo value) {
    }

    /**
     * A key's definition as Apache renders it (type, importance and width as enum names), plus, as a Sluice
     * addition, the values its validator accepts when it names them (absent otherwise), for forms to offer.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ConfigKeyInfo(
            @JsonProperty("name") String name,
            @JsonProperty("type") String type,
            @JsonProperty("required") boolean required,
            @JsonProperty("default_value") String defaultValue,
            @JsonProperty("importance") String importance,
            @JsonProperty("documentation") String documentation,
            @JsonProperty("group") String group,
            @JsonProperty("order_in_group") int orderInGroup,
            @JsonProperty("width") String width,
            @JsonProperty("display_name") String displayName,
            @JsonProperty("dependents") List<String> dependents,
            @JsonProperty("valid_values") @JsonInclude(JsonInclude.Include.NON_NULL) List<String> validValues) {

        public ConfigKeyInfo {
            dependents = List.copyOf(dependents);
            validValues = validValues == null ? null : List.copyOf(validValues);
        }

        /** A definition as Apache renders it (plugin class keys as CLASS, passwords' defaults hidden). */
        public static ConfigKeyInfo of(org.apache.kafka.common.config.ConfigDef.ConfigKey key) {
            return ConfigInfosRenderer.key(key, "");
        }
    }

    /** A key's validated value: the value as a string (passwords hidden), recommendations and errors. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ConfigValueInfo(
            @JsonProperty("name") String name,
            @JsonProperty("value") String value,
            @JsonProperty("recommended_values") List<String> recommendedValues,
            @JsonProperty("errors") List<String> errors,
            @JsonProperty("visible") boolean visible) {

        public ConfigValueInfo {
            recommendedValues = List.copyOf(recommendedValues);
            errors = List.copyOf(errors);
        }
    }
}
