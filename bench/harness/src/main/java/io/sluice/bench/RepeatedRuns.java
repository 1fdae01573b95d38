package io.sluice.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.function.Function;

/**
 * How scenarios 3 and 9 measure connectors on one runtime: one worker; per connector, warm-up runs until steady
 * ({@link Warmup}, not counted), then its measured repetitions; a failed run ends that connector's runs, a worker
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
     * Runs each key's warm-ups and repetitions; returns per key what {@code newResults} made, given each warm-up run
     * ({@code warmedUp}), measured run ({@code add}) or failure ({@code fail}); {@code figures} are the numbers whose
     * agreement ends the warm-up ({@link Warmup#untilAllSteady(Side, Warmup.Figures)}).
     */
    static <T, S> Map<String, S> onOneWorker(BenchContext ctx, ConnectRuntime runtime, List<Path> plugins,
                                             List<String> keys, Supplier<S> newResults, BiConsumer<S, T> warmedUp,
                                             BiConsumer<S, T> add, BiConsumer<S, String> fail,
                                             Function<T, double[]> figures, Once<T> once) {
        return onOneWorker(ctx, runtime, plugins, Map.of(), keys, newResults, warmedUp, add, fail, figures, once);
    }

    /** As the other, on a worker with more worker config (e.g. the built-in registry's listener). */
    static <T, S> Map<String, S> onOneWorker(BenchContext ctx, ConnectRuntime runtime, List<Path> plugins,
                                             Map<String, String> workerConfig, List<String> keys,
                                             Supplier<S> newResults, BiConsumer<S, T> warmedUp,
                                             BiConsumer<S, T> add, BiConsumer<S, String> fail,
                                             Function<T, double[]> figures, Once<T> once) {
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
        try (ConnectWorker worker = ConnectWorker.start(runtime, ctx.layout(), ctx.broker(), plugins,
                workerConfig)) {
            for (String key : keys) {
                try {
                    Warmup.untilAllSteady(new Side(), i -> {
                        T result = once.run(worker, key, "warmup" + i);
                        warmedUp.accept(results.get(key), result);
                        return figures.apply(result);
                    });
                } catch (Exception e) {
                    Bench.log("  %s %s warm-up failed: %s", runtime.label(), key, e.getMessage());
                    fail.accept(results.get(key), runtime.label() + " " + key + ": " + e.getMessage());
                    continue;
                }
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
