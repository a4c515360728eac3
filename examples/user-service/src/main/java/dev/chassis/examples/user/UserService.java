package dev.chassis.examples.user;

import dev.chassis.core.eventsourcing.EventStoreSchema;
import dev.chassis.core.eventsourcing.EventTypes;
import dev.chassis.core.eventsourcing.JdbcEventStore;
import dev.chassis.core.eventsourcing.projection.CheckpointSchema;
import dev.chassis.core.eventsourcing.projection.JdbcCheckpointStore;
import dev.chassis.core.eventsourcing.projection.ProjectorRunner;
import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.examples.support.ApiException;
import dev.chassis.examples.support.JsonApi;
import dev.chassis.examples.support.ServiceContext;
import dev.chassis.examples.support.ServiceDefinition;
import dev.chassis.examples.support.ServiceMain;
import dev.chassis.examples.support.ServiceMessaging;
import dev.chassis.messaging.outbox.EventStoreOutbox;
import dev.chassis.messaging.outbox.Outbox;
import java.time.Duration;

/**
 * The user service. {@code POST /users} with {@code {"name": "Ada", "email": "ada@example.com"}}
 * answers 201 with the new user, 400 {@code {"error":"validation failed","fields":{...}}} for invalid
 * fields and 409 for an address already registered; {@code GET /users/{id}} answers the user from the
 * read table, or 404 until the projection has caught up. Tables live in the service's schema
 * ({@code user_service} by default): the event store, the outbox, the projection checkpoint, the
 * {@code users} read table and the e-mail reservations. Immutable and thread-safe.
 */
public final class UserService implements ServiceDefinition {
    /** The service's name. */
    public static final String NAME = "user-service";

    /**
     * Runs the service as a process configured by environment variables (see {@code ServiceSettings}).
     *
     * @param args none
     * @throws InterruptedException if interrupted while serving
     */
    public static void main(String[] args) throws InterruptedException {
        ServiceMain.run(new UserService());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void wire(ServiceContext context) {
        TxRunner tx = TxRunner.of(context.dataSource());
        UserTables tables = new UserTables(context.schema());
        tables.create(tx);
        EventStoreSchema eventStoreSchema = EventStoreSchema.of(context.schema());
        eventStoreSchema.create(context.dataSource());
        CheckpointSchema checkpointSchema = CheckpointSchema.of(context.schema());
        checkpointSchema.create(context.dataSource());
        Outbox outbox = ServiceMessaging.outbox(context);

        EventTypes types = EventTypes.builder().register(UserCreated.class, UserCreated.TYPE).build();
        JdbcEventStore store = JdbcEventStore.create(context.dataSource(), b -> b
                .schema(eventStoreSchema)
                .appendHook(EventStoreOutbox.create(outbox, context.source())));
        ProjectorRunner projector = ProjectorRunner.builder(new UserProjection(tables, types), store,
                        JdbcCheckpointStore.of(tx, checkpointSchema, context.clock()))
                .pollInterval(Duration.ofMillis(200))
                .build();
        UserCommands commands = new UserCommands(tx, store, types, tables, context.clock(), projector::wake);
        UserQueries queries = new UserQueries(tx, tables);

        context.component(projector);
        context.post("/users", request -> JsonApi.created(commands.register(JsonApi.body(request, RegisterUser.class))));
        context.get("/users/{id}", request -> JsonApi.ok(queries.find(request.pathParam("id"))
                .orElseThrow(() -> ApiException.notFound("no user with id " + request.pathParam("id")))));
    }
}
