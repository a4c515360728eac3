package dev.chassis.core.eventsourcing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventTypesTest {
    private final EventTypes types = Order.types();

    @Test
    void encodesWithTheTypeNameAndTodaysVersion() {
        // when
        NewEvent event = types.encode(new Order.Placed("ada", "CHF"), Map.of("correlationId", "c-1"));

        // then
        assertThat(event.type()).isEqualTo("order.placed");
        assertThat(event.typeVersion()).isEqualTo(3);
        assertThat(event.data()).isEqualTo("{\"customer\":\"ada\",\"currency\":\"CHF\"}");
        assertThat(event.metadata()).containsEntry("correlationId", "c-1");
        assertThat(event.id()).isNotBlank();
    }

    @Test
    void decodesWhatItEncoded() {
        // given
        Order.ItemAdded added = new Order.ItemAdded("book", 2, 1500);

        // when
        Object back = types.decode(recorded(types.encode(added)));

        // then
        assertThat(back).isEqualTo(added);
    }

    @Test
    void upcastsVersionOneThroughTheWholeChain() {
        // given an event as release 1 wrote it
        RecordedEvent v1 = recorded("order.placed", 1, "{\"buyer\":\"ada\"}");

        // when
        Object placed = types.decode(v1);

        // then
        assertThat(placed).isEqualTo(new Order.Placed("ada", "EUR"));
    }

    @Test
    void upcastsVersionTwoThroughTheLastStepOnly() {
        assertThat(types.decode(recorded("order.placed", 2, "{\"customer\":\"bob\"}")))
                .isEqualTo(new Order.Placed("bob", "EUR"));
    }

    @Test
    void oldEventsLoadIntoTodaysClassesWithoutRewritingTheStore() {
        // given a stream written by releases 1, 2 and 3
        InMemoryEventStore store = new InMemoryEventStore();
        store.append("order-7", ExpectedVersion.noStream(), List.of(
                NewEvent.of("order.placed", 1, "{\"buyer\":\"ada\"}"),
                NewEvent.of("order.item-added", 1, "{\"sku\":\"book\",\"quantity\":2,\"priceCents\":1500}")));
        store.append("order-7", ExpectedVersion.exactly(2), List.of(NewEvent.of("order.paid", 1, "{\"amountCents\":3000}")));
        Repository<Order> orders = Repository.builder(Order.class, Order::new).eventStore(store)
                .eventTypes(types).streamPrefix("order-").build();

        // when
        Order order = orders.load("7").orElseThrow();

        // then
        assertThat(order.snapshot()).isEqualTo(new Order.State(Order.Status.PAID, "ada", "EUR", Map.of("book", 2), 3000));
        assertThat(store.read("order-7").get(0).data()).isEqualTo("{\"buyer\":\"ada\"}");
        assertThat(store.read("order-7").get(0).typeVersion()).isEqualTo(1);
    }

    @Test
    void anUnknownTypeNameIsNamed() {
        assertThatThrownBy(() -> types.decode(recorded("order.shipped", 1, "{}")))
                .isInstanceOf(EventTypesException.class)
                .hasMessage("cannot decode event order-1@1 (order.shipped v1, id e-1): no class is registered for type"
                        + " 'order.shipped'; register one, with upcasters if its schema changed since")
                .satisfies(e -> {
                    assertThat(((EventTypesException) e).problem()).isEqualTo(EventTypesException.Problem.UNKNOWN_TYPE);
                    assertThat(((EventTypesException) e).type()).isEqualTo("order.shipped");
                });
    }

    @Test
    void anUnregisteredClassIsNamed() {
        assertThatThrownBy(() -> types.encode(new Unregistered("x")))
                .isInstanceOf(EventTypesException.class)
                .hasMessage("cannot encode a " + Unregistered.class.getName() + ": the class is not registered;"
                        + " add EventTypes.builder().register(Unregistered.class, \"<type name>\", <version>)")
                .extracting(e -> ((EventTypesException) e).problem())
                .isEqualTo(EventTypesException.Problem.UNREGISTERED_CLASS);
    }

    @Test
    void aVersionNewerThanTodaysAsksForTheNewerRelease() {
        assertThatThrownBy(() -> types.decode(recorded("order.placed", 4, "{}")))
                .isInstanceOf(EventTypesException.class)
                .hasMessageContaining("this release knows 'order.placed' up to version 3; the event was written by a"
                        + " newer release, deploy it here too")
                .extracting(e -> ((EventTypesException) e).problem())
                .isEqualTo(EventTypesException.Problem.NEWER_VERSION);
    }

    @Test
    void aGapInTheChainFailsAtBuildTime() {
        EventTypes.Builder builder = EventTypes.builder().register(Order.Placed.class, "order.placed", 4)
                .upcaster("order.placed", 1, json -> json)
                .upcaster("order.placed", 3, json -> json);

        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'order.placed' has upcasters from versions [1, 3] up to version 4, but none from version 2"
                        + " to 3; add .upcaster(\"order.placed\", 2, json -> ...)");
    }

    @Test
    void anUpcasterAtOrAboveTodaysVersionFailsAtBuildTime() {
        EventTypes.Builder builder = EventTypes.builder().register(Order.Placed.class, "order.placed", 2)
                .upcaster("order.placed", 1, json -> json)
                .upcaster("order.placed", 2, json -> json);

        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'order.placed' is at version 2, but an upcaster starts from version 2; register the type at"
                        + " version 3 or drop that upcaster");
    }

    @Test
    void anUpcasterOfAnUnregisteredTypeFailsAtBuildTime() {
        EventTypes.Builder builder = EventTypes.builder().upcaster("order.placd", 1, json -> json);

        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("upcasters are given for 'order.placd', but no class is registered under that name");
    }

    @Test
    void registrationsAreUnique() {
        EventTypes.Builder builder = EventTypes.builder().register(Order.Paid.class, "order.paid");

        assertThatThrownBy(() -> builder.register(Order.Cancelled.class, "order.paid"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("type name 'order.paid' is already registered for " + Order.Paid.class.getName()
                        + "; give " + Order.Cancelled.class.getName() + " a name of its own");
        assertThatThrownBy(() -> builder.register(Order.Paid.class, "order.settled"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(Order.Paid.class.getName() + " is already registered as 'order.paid'; a class has one type name");
        assertThatThrownBy(() -> builder.upcaster("order.paid", 1, json -> json).upcaster("order.paid", 1, json -> json))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'order.paid' already has an upcaster from version 1");
        assertThatThrownBy(() -> builder.register(Unregistered.class, "x", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("version of 'x' starts at 1, was 0");
    }

    @Test
    void versionsBelowTheFirstUpcasterAreNamedWhenDecoding() {
        // given a type whose upcasters start at version 2
        EventTypes partial = EventTypes.builder().register(Order.Placed.class, "order.placed", 3)
                .upcaster("order.placed", 2, json -> json).build();

        // when / then
        assertThatThrownBy(() -> partial.decode(recorded("order.placed", 1, "{\"buyer\":\"ada\"}")))
                .isInstanceOf(EventTypesException.class)
                .hasMessageContaining("no upcaster lifts 'order.placed' from version 1 to 2; add .upcaster(\"order.placed\", 1,")
                .extracting(e -> ((EventTypesException) e).problem())
                .isEqualTo(EventTypesException.Problem.MISSING_UPCASTER);
    }

    @Test
    void dataThatDoesNotFitTheClassIsNamed() {
        assertThatThrownBy(() -> types.decode(recorded("order.paid", 1, "{\"amountCents\":\"lots\"}")))
                .isInstanceOf(EventTypesException.class)
                .hasMessageStartingWith("cannot decode event order-1@1 (order.paid v1, id e-1) into "
                        + Order.Paid.class.getName() + ": cannot read")
                .hasMessageEndingWith("if the class changed incompatibly, raise the version of 'order.paid' and add an upcaster")
                .extracting(e -> ((EventTypesException) e).problem())
                .isEqualTo(EventTypesException.Problem.DATA_MISMATCH);
        assertThatThrownBy(() -> types.decode(recorded("order.placed", 1, "[1, 2]")))
                .isInstanceOf(EventTypesException.class)
                .hasMessageContaining("its data is not a JSON object")
                .extracting(e -> ((EventTypesException) e).problem())
                .isEqualTo(EventTypesException.Problem.DATA_MISMATCH);
    }

    @Test
    void aFailingUpcasterIsNamedWithItsVersions() {
        // given
        EventTypes failing = EventTypes.builder().register(Order.Paid.class, "order.paid", 2)
                .upcaster("order.paid", 1, json -> {
                    json.put("amountCents", ((Number) json.remove("amount")).longValue() * 100);
                    return json;
                })
                .build();

        // when / then
        assertThat(failing.decode(recorded("order.paid", 1, "{\"amount\":12}"))).isEqualTo(new Order.Paid(1200));
        assertThatThrownBy(() -> failing.decode(recorded("order.paid", 1, "{}")))
                .isInstanceOf(EventTypesException.class)
                .hasMessageContaining("the upcaster of 'order.paid' from version 1 to 2 failed: java.lang.NullPointerException")
                .extracting(e -> ((EventTypesException) e).problem())
                .isEqualTo(EventTypesException.Problem.UPCASTER_FAILED);
    }

    @Test
    void tellsTypeNamesAndVersions() {
        assertThat(types.typeName(Order.Paid.class)).contains("order.paid");
        assertThat(types.typeName(Unregistered.class)).isEmpty();
        assertThat(types.currentVersion("order.placed")).contains(3);
        assertThat(types.currentVersion("order.shipped")).isEmpty();
    }

    record Unregistered(String text) {
    }

    private static RecordedEvent recorded(NewEvent e) {
        return new RecordedEvent("order-1", 1, new GlobalPosition(1, 1), e.id(), e.type(), e.typeVersion(), e.data(),
                e.metadata(), Instant.EPOCH);
    }

    private static RecordedEvent recorded(String type, int version, String data) {
        return new RecordedEvent("order-1", 1, new GlobalPosition(1, 1), "e-1", type, version, data, Map.of(),
                Instant.EPOCH);
    }
}
