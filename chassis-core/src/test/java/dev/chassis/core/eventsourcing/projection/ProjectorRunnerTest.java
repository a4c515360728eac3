package dev.chassis.core.eventsourcing.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.eventsourcing.ExpectedVersion;
import dev.chassis.core.eventsourcing.GlobalPosition;
import dev.chassis.core.eventsourcing.InMemoryEventStore;
import dev.chassis.core.eventsourcing.NewEvent;
import dev.chassis.core.eventsourcing.RecordedEvent;
import dev.chassis.core.lifecycle.Lifecycle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProjectorRunnerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final InMemoryEventStore events = new InMemoryEventStore();
    private final InMemoryCheckpointStore checkpoints = InMemoryCheckpointStore.create();
    private final Ledger ledger = new Ledger("ledger");
    private final List<ProjectorRunner> runners = new ArrayList<>();

    @AfterEach
    void closeRunners() {
        runners.forEach(ProjectorRunner::close);
    }

    private ProjectorRunner runner(Projection projection, int batchSize) {
        ProjectorRunner runner = ProjectorRunner.builder(projection, events, checkpoints)
                .batchSize(batchSize)
                .pollInterval(Duration.ofMillis(20))
                .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(40))
                .build();
        runners.add(runner);
        return runner;
    }

    private void appendAmounts(int count) {
        for (int i = 1; i <= count; i++) {
            Ledger.append(events, "account-" + (i % 7), i);
        }
    }

    private GlobalPosition head() {
        List<RecordedEvent> all = events.readAll(GlobalPosition.START, Integer.MAX_VALUE);
        return all.isEmpty() ? GlobalPosition.START : all.get(all.size() - 1).position();
    }

    @Test
    void catchesUpWithStoredEventsAndFollowsNewAppends() {
        // given
        appendAmounts(250);
        ProjectorRunner runner = runner(ledger, 40);

        // when
        runner.start();
        await().atMost(TIMEOUT).until(() -> ledger.applied() == 250);
        appendAmounts(30);

        // then
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(ledger.totalsSorted()).isEqualTo(Ledger.fold(events)));
        await().atMost(TIMEOUT).until(() -> runner.status().caughtUp());
        assertThat(ledger.duplicates()).isZero();
        assertThat(checkpoints.position("ledger")).isEqualTo(head()).isEqualTo(runner.position());
        assertThat(runner.status().applied()).isEqualTo(280);
        assertThat(runner.status().lastEventRecordedAt()).isNotNull();
    }

    @Test
    void resumesFromTheCheckpointAfterARestartWithoutApplyingAnyEventTwice() throws Exception {
        // given a first runner that is closed while it is in the middle of the stream
        int total = 600;
        appendAmounts(total / 2);
        AtomicReference<ProjectorRunner> firstRef = new AtomicReference<>();
        Projection closingAt100 = new Projection() {
            @Override
            public String name() {
                return ledger.name();
            }

            @Override
            public boolean handles(String eventType) {
                return ledger.handles(eventType);
            }

            @Override
            public void apply(ProjectionTransaction tx, RecordedEvent event) {
                ledger.apply(tx, event);
                if (ledger.applied() == 100) {
                    firstRef.get().close(); // from its own thread: stops after this batch
                }
            }
        };
        ProjectorRunner first = runner(closingAt100, 25);
        firstRef.set(first);
        first.start();
        await().atMost(TIMEOUT).until(() -> first.status().state() == ProjectorStatus.State.STOPPED);
        long appliedByFirst = ledger.applied();
        GlobalPosition stopped = checkpoints.position("ledger");

        // when a new runner starts while events keep coming
        ProjectorRunner second = runner(ledger, 25);
        Thread appender = new Thread(() -> appendAmounts(total / 2));
        second.start();
        appender.start();
        appender.join(TIMEOUT.toMillis());

        // then
        await().atMost(TIMEOUT).until(() -> ledger.applied() == total && second.position().equals(head()));
        long skipped = total - ledger.applied();
        System.out.printf("events=%d appliedBeforeRestart=%d applied=%d duplicates=%d skipped=%d%n", total,
                appliedByFirst, ledger.applied(), ledger.duplicates(), skipped);
        assertThat(appliedByFirst).isEqualTo(100);
        assertThat(first.status().position()).isEqualTo(stopped);
        assertThat(stopped).isEqualTo(events.readAll(GlobalPosition.START, 100).get(99).position());
        assertThat(ledger.duplicates()).isZero();
        assertThat(skipped).isZero();
        assertThat(ledger.totalsSorted()).isEqualTo(Ledger.fold(events));
        assertThat(second.status().applied()).isEqualTo(total - appliedByFirst);
    }

    @Test
    void rebuildFromZeroYieldsTheSameReadModel() {
        // given
        appendAmounts(120);
        ProjectorRunner runner = runner(ledger, 50);
        runner.start();
        await().atMost(TIMEOUT).until(() -> ledger.applied() == 120);
        var before = ledger.totalsSorted();

        // when
        runner.rebuild();
        appendAmounts(5);

        // then
        await().atMost(TIMEOUT).until(() -> ledger.applied() == 125 && runner.status().caughtUp());
        assertThat(ledger.duplicates()).isZero();
        assertThat(ledger.totalsSorted()).isEqualTo(Ledger.fold(events));
        var withoutNew = new java.util.TreeMap<>(ledger.totalsSorted());
        events.readAll(GlobalPosition.START, 200).subList(120, 125)
                .forEach(e -> withoutNew.merge(e.stream(), -Ledger.amount(e), Long::sum));
        assertThat(withoutNew).isEqualTo(before);
        assertThat(runner.status().applied()).isEqualTo(245);
    }

    @Test
    void aFailingEventIsRetriedReportedAndNeverSkipped() {
        // given
        appendAmounts(30);
        RecordedEvent poison = events.readAll(GlobalPosition.START, 30).get(10);
        ledger.poisoned.put(poison.id(), true);
        ProjectorRunner runner = runner(ledger, 10);

        // when
        runner.start();
        await().atMost(TIMEOUT).until(() -> runner.status().consecutiveFailures() >= 3);

        // then
        ProjectorStatus stuck = runner.status();
        assertThat(stuck.failing()).isTrue();
        assertThat(stuck.failingEventId()).isEqualTo(poison.id());
        assertThat(stuck.failingEventPosition()).isEqualTo(poison.position());
        assertThat(stuck.lastError()).contains("cannot apply " + poison.id());
        assertThat(ledger.applied()).isEqualTo(10);
        assertThat(checkpoints.position("ledger")).isEqualTo(events.readAll(GlobalPosition.START, 30).get(9).position());

        // when the projection is fixed
        ledger.poisoned.clear();

        // then
        await().atMost(TIMEOUT).until(() -> ledger.applied() == 30 && runner.status().caughtUp());
        System.out.printf("events=30 failures=%d applied=%d duplicates=%d skipped=%d%n", ledger.failures.get(),
                ledger.applied(), ledger.duplicates(), 30 - ledger.applied());
        assertThat(ledger.duplicates()).isZero();
        assertThat(runner.status().failing()).isFalse();
        assertThat(runner.status().failingEventId()).isNull();
        assertThat(ledger.totalsSorted()).isEqualTo(Ledger.fold(events));
    }

    @Test
    void afterAFailureTheEventsBeforeTheFailingOneStillCommit() {
        // given a batch of 10 whose 5th event fails once it reaches the read model
        appendAmounts(10);
        RecordedEvent poison = events.readAll(GlobalPosition.START, 10).get(4);
        AtomicBoolean broken = new AtomicBoolean(true);
        List<String> committed = new ArrayList<>();
        Projection oneByOne = new Projection() {
            @Override
            public String name() {
                return "one-by-one";
            }

            @Override
            public void apply(ProjectionTransaction tx, RecordedEvent event) {
                if (broken.get() && event.id().equals(poison.id())) {
                    throw new IllegalStateException("poison");
                }
                synchronized (committed) {
                    committed.add(event.id());
                }
            }
        };
        ProjectorRunner runner = runner(oneByOne, 10);

        // when
        runner.start();
        await().atMost(TIMEOUT).until(() -> runner.status().consecutiveFailures() >= 2);

        // then the retries go one event at a time, so the four events before the poison one commit
        assertThat(checkpoints.position("one-by-one"))
                .isEqualTo(events.readAll(GlobalPosition.START, 10).get(3).position());
        assertThat(runner.status().failingEventId()).isEqualTo(poison.id());
        broken.set(false);
        await().atMost(TIMEOUT).until(() -> runner.status().caughtUp());
        assertThat(checkpoints.position("one-by-one")).isEqualTo(head());
    }

    @Test
    void closeWaitsForTheBatchBeingApplied() throws Exception {
        // given
        CountDownLatch applying = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Projection slow = new Projection() {
            @Override
            public String name() {
                return "slow";
            }

            @Override
            public void apply(ProjectionTransaction tx, RecordedEvent event) throws InterruptedException {
                applying.countDown();
                release.await();
            }
        };
        Ledger.append(events, "a", 1);
        ProjectorRunner runner = runner(slow, 10);
        runner.start();
        assertThat(applying.await(TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).isTrue();

        // when
        Thread closer = new Thread(runner::close);
        closer.start();
        await().atMost(TIMEOUT).until(() -> runner.status().state() == ProjectorStatus.State.STOPPING);
        await().during(Duration.ofMillis(200)).atMost(TIMEOUT).until(closer::isAlive);
        release.countDown();
        closer.join(TIMEOUT.toMillis());

        // then
        assertThat(closer.isAlive()).isFalse();
        assertThat(runner.status().state()).isEqualTo(ProjectorStatus.State.STOPPED);
        assertThat(checkpoints.position("slow")).isEqualTo(head());
    }

    @Test
    void wakeReadsAtOnceInsteadOfAfterThePollInterval() {
        // given
        ProjectorRunner runner = ProjectorRunner.builder(ledger, events, checkpoints)
                .pollInterval(Duration.ofHours(1))
                .build();
        runners.add(runner);
        runner.start();
        await().atMost(TIMEOUT).until(() -> runner.status().caughtUp());

        // when
        Ledger.append(events, "a", 5);
        runner.wake();

        // then
        await().atMost(TIMEOUT).until(() -> ledger.applied() == 1);
        assertThat(runner.status().state()).isEqualTo(ProjectorStatus.State.RUNNING);
    }

    @Test
    void twoRunnersOfOneProjectionApplyEachEventOnce() throws Exception {
        // given
        int total = 800;
        ProjectorRunner one = runner(ledger, 30);
        ProjectorRunner two = runner(ledger, 30);
        Thread appender = new Thread(() -> appendAmounts(total));

        // when
        one.start();
        two.start();
        appender.start();
        appender.join(TIMEOUT.toMillis());

        // then
        await().atMost(TIMEOUT).until(() -> ledger.applied() == total
                && one.position().equals(head()) && two.position().equals(head()));
        System.out.printf("runners=2 events=%d appliedByOne=%d appliedByTwo=%d duplicates=%d skipped=%d%n", total,
                one.status().applied(), two.status().applied(), ledger.duplicates(), total - ledger.applied());
        assertThat(ledger.duplicates()).isZero();
        assertThat(ledger.concurrentApply).isFalse();
        assertThat(one.status().applied() + two.status().applied()).isEqualTo(total);
        assertThat(ledger.totalsSorted()).isEqualTo(Ledger.fold(events));
    }

    @Test
    void aRebuildElsewhereMakesAnotherRunnerReadAgainFromTheStart() {
        // given two instances of the same projection, caught up
        appendAmounts(60);
        ProjectorRunner one = runner(ledger, 20);
        ProjectorRunner two = runner(ledger, 20);
        one.start();
        two.start();
        await().atMost(TIMEOUT).until(() -> ledger.applied() == 60 && two.position().equals(head()));

        // when one rebuilds and events keep coming
        one.rebuild();
        appendAmounts(10);
        two.wake();

        // then the read model has every event once, whoever applied it
        await().atMost(TIMEOUT).until(() -> ledger.applied() == 70 && two.position().equals(head())
                && one.position().equals(head()));
        assertThat(ledger.duplicates()).isZero();
        assertThat(ledger.totalsSorted()).isEqualTo(Ledger.fold(events));
    }

    @Test
    void eventsOfOtherTypesMoveTheCheckpointWithoutBeingApplied() {
        // given
        events.append("audit", ExpectedVersion.any(), List.of(NewEvent.of("audit.logged", 1, "{}"),
                NewEvent.of("audit.logged", 1, "{}")));
        Ledger.append(events, "a", 3);
        ProjectorRunner runner = runner(ledger, 10);

        // when
        runner.start();

        // then
        await().atMost(TIMEOUT).until(() -> runner.status().caughtUp() && runner.position().equals(head()));
        assertThat(ledger.applied()).isEqualTo(1);
        assertThat(runner.status().applied()).isEqualTo(1);
    }

    @Test
    void aProjectionThatCannotResetIsNotRebuilt() {
        // given
        Projection noReset = new Projection() {
            @Override
            public String name() {
                return "no-reset";
            }

            @Override
            public void apply(ProjectionTransaction tx, RecordedEvent event) {
            }
        };
        Ledger.append(events, "a", 3);
        checkpoints.update("no-reset", (tx, stored) -> head());
        ProjectorRunner runner = runner(noReset, 10);

        // when / then
        assertThatThrownBy(runner::rebuild).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("no-reset").hasMessageContaining("reset");
        assertThat(checkpoints.position("no-reset")).isEqualTo(head());
    }

    @Test
    void theServiceLifecycleStartsAndStopsIt() {
        // given
        appendAmounts(20);
        ProjectorRunner runner = runner(ledger, 10);
        Lifecycle lifecycle = Lifecycle.ofDefaults().add(runner);

        // when
        lifecycle.start();
        await().atMost(TIMEOUT).until(() -> ledger.applied() == 20);
        var report = lifecycle.shutdown();

        // then
        assertThat(report.isClean()).isTrue();
        assertThat(runner.status().state()).isEqualTo(ProjectorStatus.State.STOPPED);
        assertThat(runner.name()).isEqualTo("projector-ledger");
        assertThatThrownBy(runner::start).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(runner::rebuild).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rejectsBadSettingsSayingWhatToFix() {
        var builder = ProjectorRunner.builder(ledger, events, checkpoints);
        assertThatThrownBy(() -> builder.batchSize(0)).hasMessageContaining("batchSize");
        assertThatThrownBy(() -> builder.pollInterval(Duration.ZERO)).hasMessageContaining("pollInterval");
        assertThatThrownBy(() -> builder.retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("shorter");
        AtomicReference<String> blank = new AtomicReference<>(" ");
        Projection unnamed = new Projection() {
            @Override
            public String name() {
                return blank.get();
            }

            @Override
            public void apply(ProjectionTransaction tx, RecordedEvent event) {
            }
        };
        assertThatThrownBy(() -> ProjectorRunner.builder(unnamed, events, checkpoints).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("projection name");
    }
}
