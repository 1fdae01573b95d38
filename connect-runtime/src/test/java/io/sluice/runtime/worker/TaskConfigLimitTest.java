package io.sluice.runtime.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskConfigLimitTest {

    private static final List<Map<String, String>> THREE = List.of(Map.of("t", "0"), Map.of("t", "1"), Map.of("t", "2"));

    @Test
    void configsWithinTasksMaxAreKept() {
        assertEquals(THREE, TaskConfigLimit.check("c", true, THREE, 3));
    }

    @Test
    void moreConfigsThanTasksMaxFailByDefault() {
        TaskConfigLimit.TooManyTasksException e = assertThrows(TaskConfigLimit.TooManyTasksException.class,
                () -> TaskConfigLimit.check("c", true, THREE, 2));
        assertTrue(e.getMessage().contains("generated 3 tasks"), e.getMessage());
        assertTrue(e.getMessage().contains("tasks.max.enforce"), e.getMessage());
    }

    @Test
    void moreConfigsThanTasksMaxAreKeptWhenEnforcementIsOff() {
        assertEquals(THREE, TaskConfigLimit.check("c", false, THREE, 2));
    }

    @Test
    void explicitEnforcementFails() {
        assertThrows(TaskConfigLimit.TooManyTasksException.class,
                () -> TaskConfigLimit.check("c", true, THREE, 1));
    }
}
