package dev.chassis.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class RabbitConnectionsTest {

    @Test
    void dispatchPoolRunsCallbacksWhileOpen() throws Exception {
        // given
        ExecutorService pool = RabbitConnections.dispatchPool("test-dispatch");
        CountDownLatch ran = new CountDownLatch(1);

        // when
        pool.execute(ran::countDown);

        // then
        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        pool.shutdown();
    }

    @Test
    void dispatchPoolDropsCallbacksThatArriveAfterShutdownInsteadOfThrowing() throws Exception {
        // given: a connection that finishes shutting down after its bus closed the pool
        ExecutorService pool = RabbitConnections.dispatchPool("test-dispatch");
        pool.shutdown();
        assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        AtomicBoolean ran = new AtomicBoolean();

        // when / then: the connection's own thread is not failed by the late notice
        assertThatCode(() -> pool.execute(() -> ran.set(true))).doesNotThrowAnyException();
        assertThat(ran).isFalse();
    }
}
