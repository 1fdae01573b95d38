package io.sluice.runtime.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prometheus text exposition format 0.0.4 of the registry's groups. Names follow the usual JMX
 * exporter mapping: {@code kafka_connect_<group>_<attribute>} with dashes as underscores, tags as
 * labels ({@code kafka_connect_source_task_metrics_source_record_poll_total{connector="a",task="0"}}).
 * String attributes become a sample of 1 whose label carries the string
 * ({@code kafka_connect_connector_metrics_status{connector="a",status="running"} 1}).
 */
public final class PrometheusText {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusText() {
    }

    private record Sample(Map<String, String> labels, String infoLabel, Object value) {
    }

    private static final class Family {
        final String doc;
        final MetricGroup.Kind kind;
        final String attribute;
        final List<Sample> samples = new ArrayList<>();

        Family(String doc, MetricGroup.Kind kind, String attribute) {
            this.doc = doc;
            this.kind = kind;
            this.attribute = attribute;
        }
    }

    public static String render(List<MetricGroup> groups) {
        Map<String, Family> families = new TreeMap<>();
        groups.sort(Comparator.comparing(g -> g.tags().toString()));
        for (MetricGroup group : groups) {
            for (MetricGroup.Metric m : group.metrics().values()) {
                String name = name(group.type(), m.name());
                Family family = families.computeIfAbsent(name, n -> new Family(m.doc(), m.kind(), m.name()));
                family.samples.add(new Sample(group.tags(), m.kind() == MetricGroup.Kind.INFO ? m.name() : null,
                        group.value(m)));
            }
        }
        StringBuilder out = new StringBuilder(16 * 1024);
        families.forEach((name, family) -> {
            out.append("# HELP ").append(name).append(' ').append(escapeHelp(family.doc)).append('\n');
            out.append("# TYPE ").append(name).append(' ')
                    .append(family.kind == MetricGroup.Kind.COUNTER ? "counter" : "gauge").append('\n');
            for (Sample s : family.samples) {
                if (s.infoLabel() != null && s.value() == null) {
                    continue;
                }
                out.append(name);
                StringBuilder labels = new StringBuilder();
                s.labels().forEach((k, v) -> label(labels, k, v));
                if (s.infoLabel() != null) {
                    label(labels, sanitize(s.infoLabel()), String.valueOf(s.value()));
                }
                if (labels.length() > 0) {
                    out.append('{').append(labels).append('}');
                }
                out.append(' ').append(s.infoLabel() != null ? "1" : number(s.value())).append('\n');
            }
        });
        return out.toString();
    }

    static String name(String group, String attribute) {
        return "kafka_connect_" + sanitize(group) + "_" + sanitize(attribute);
    }

    private static void label(StringBuilder labels, String key, String value) {
        if (labels.length() > 0) {
            labels.append(',');
        }
        labels.append(sanitize(key)).append("=\"").append(escapeLabel(value)).append('"');
    }

    static String sanitize(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' ? c : '_');
        }
        if (b.length() == 0 || Character.isDigit(b.charAt(0))) {
            b.insert(0, '_');
        }
        return b.toString();
    }

    private static String number(Object value) {
        if (!(value instanceof Number n)) {
            return "NaN";
        }
        double d = n.doubleValue();
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }

    private static String escapeLabel(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String escapeHelp(String v) {
        return v.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
