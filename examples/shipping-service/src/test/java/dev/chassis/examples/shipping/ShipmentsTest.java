package dev.chassis.examples.shipping;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class ShipmentsTest {
    @Test
    void aShipmentLeavesOnTheNextWorkingDay() {
        // 2026-11-26 is a Thursday
        assertThat(Shipments.nextWorkingDay(LocalDate.of(2026, 11, 26))).isEqualTo(LocalDate.of(2026, 11, 27));
        assertThat(Shipments.nextWorkingDay(LocalDate.of(2026, 11, 27))).isEqualTo(LocalDate.of(2026, 11, 30));
        assertThat(Shipments.nextWorkingDay(LocalDate.of(2026, 11, 28))).isEqualTo(LocalDate.of(2026, 11, 30));
    }
}
