package dev.chassis.messaging.outbox;

import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.core.outbox.OutboxMessage;
import dev.chassis.core.outbox.OutboxStore;
import dev.chassis.testkit.outbox.OutboxStoreCompatibilityKit;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

class JdbcOutboxStoreIT extends OutboxStoreCompatibilityKit {
    private PgFixture pg;
    private Outbox outbox;

    @Override
    protected OutboxStore createStore(Clock clock) {
        pg = new PgFixture();
        outbox = Outbox.create(b -> b.schema(pg.schema).clock(clock));
        return new JdbcOutboxStore(pg.dataSource, pg.schema);
    }

    @Override
    protected void commit(List<OutboxMessage> messages) {
        TxRunner.of(pg.dataSource).inTransaction(tx -> {
            messages.forEach(m -> outbox.add(tx, m));
            return null;
        });
    }

    @AfterEach
    void dropSchema() throws Exception {
        pg.close();
    }
}
