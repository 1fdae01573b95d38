package io.sluice.bench;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** Command-line options: repetitions, data size and which scenarios to run. */
public record Options(boolean quick, int repetitions, int lines, int jdbcRows, Set<String> only, boolean debezium,
                      boolean apache) {

    public static final String USAGE = """
            usage: bench/run [--quick] [--only N[,N...]] [--reps N] [--lines N] [--jdbc-rows N]
              --quick        1 measured repetition, 100,000 lines/records (development)
              --only 1,6     run only these scenarios (1-10); results/latest.json is left as it is
              --reps N       measured repetitions after the warm-up (default 3)
              --lines N      lines/records for scenarios 1, 2, 5 and 7 (default 1,000,000)
              --jdbc-rows N  rows for scenarios 3, 4, 9 and 10 (default 500,000 to stay under 30 min; --quick 100,000)
              --no-debezium  scenario 3 without Debezium's runs (development: Sluice's sink vs COPY only)
              --no-apache    scenario 9 without Debezium in Apache (development: its snapshot takes minutes a run)
            """;

    public static Options parse(String[] args) {
        boolean quick = false;
        Integer reps = null;
        Integer lines = null;
        Integer jdbcRows = null;
        Set<String> only = new LinkedHashSet<>();
        boolean debezium = true;
        boolean apache = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--only" -> {
                    for (String s : value(args, ++i).split(",")) {
                        if (!s.matches("[1-9]|10")) {
                            throw new IllegalArgumentException("unknown scenario " + s + "\n" + USAGE);
                        }
                        only.add(s);
                    }
                }
                case "--reps" -> reps = Integer.parseInt(value(args, ++i));
                case "--lines" -> lines = Integer.parseInt(value(args, ++i));
                case "--jdbc-rows" -> jdbcRows = Integer.parseInt(value(args, ++i));
                case "--no-debezium" -> debezium = false;
                case "--no-apache" -> apache = false;
                case "-h", "--help" -> throw new IllegalArgumentException(USAGE);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
            }
        }
        return new Options(quick,
                reps != null ? reps : quick ? 1 : 3,
                lines != null ? lines : quick ? 100_000 : 1_000_000,
                jdbcRows != null ? jdbcRows : quick ? 100_000 : 500_000,
                only, debezium, apache);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException("missing value for " + args[i - 1] + "\n" + USAGE);
        }
        return args[i];
    }

    public boolean runs(String scenario) {
        return only.isEmpty() || only.contains(scenario);
    }

    /** Every scenario at full size: only such a run replaces results/latest.json. */
    public boolean full() {
        return only.isEmpty() && !quick;
    }

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("quick", quick);
        m.put("repetitions", repetitions);
        m.put("warmup_runs", Warmup.MAX_RUNS);
        m.put("warmup_rule", "until two consecutive runs agree within 10% (scenario 3's connectors: their rate and the"
                + " worker's CPU-seconds both), at most warmup_runs runs");
        m.put("lines", lines);
        m.put("jdbc_rows", jdbcRows);
        m.put("only", only);
        m.put("debezium", debezium);
        m.put("apache", apache);
        return m;
    }
}
