package io.sluice.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * How scenarios 3 and 8 measure connectors on one runtime: one worker, a warm-up run of the first connector (not
 * counted), then each connector's measured repetitions; a failed repetition ends that connector's runs, a worker
 * that cannot start fails them all.
 */
final class RepeatedRuns {

    /** One run of one connector ("warmup", "r1", "r2", ...) on the worker: its figure. */
    interface Once<T> {
        T run(ConnectWorker worker, String key, String rep) throws Exception;
    }

    private RepeatedRuns() {
    }

    /**
     * Runs each key's repetitions; returns per key what {@code newResults} made, given each figure ({@code add}) or
     * failure ({@code fail}).
     */
    static <T, S> Map<String, S> onOneWorker(BenchContext ctx, ConnectRuntime runtime, List<Path> plugins,
                                             List<String> keys, Supplier<S> newResults, BiConsumer<S, T> add,
                                             BiConsumer<S, String> fail, Once<T> once) {
        Map<String, S> results = new LinkedHashMap<>();
        keys.forEach(k -> results.put(k, newResults.get()));
        if (keys.isEmpty()) {
            return results;
        }
        String missing = runtime.missing(ctx.layout());
        if (missing != null) {
            results.values().forEach(r -> fail.accept(r, missing));
            return results;
        }
        try (ConnectWorker worker = ConnectWorker.start(runtime, ctx.layout(), ctx.broker(), plugins)) {
            once.run(worker, keys.get(0), "warmup");
            for (String key : keys) {
                for (int rep = 1; rep <= ctx.options().repetitions(); rep++) {
                    try {
                        add.accept(results.get(key), once.run(worker, key, "r" + rep));
                    } catch (Exception e) {
                        Bench.log("  %s %s failed: %s", runtime.label(), key, e.getMessage());
                        fail.accept(results.get(key), runtime.label() + " " + key + ": " + e.getMessage());
                        break;
                    }
                }
            }
        } catch (Exception e) {
            Bench.log("  %s runs failed: %s", runtime.label(), e.getMessage());
            results.values().forEach(r -> fail.accept(r, runtime.label() + ": " + e.getMessage()));
        }
        return results;
    }
}
