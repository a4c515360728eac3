package dev.chassis.core.saga;

import static java.util.Objects.requireNonNull;

import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What a saga step does, forwards (its action) or backwards (its compensation): either a direct
 * {@linkplain #call call} of a participant that returns or throws, or a {@linkplain #command command}
 * sent as a message whose reply event, correlated by saga id and step, the orchestrator awaits.
 * Immutable and thread-safe.
 *
 * <pre>{@code
 * SagaAction<Order> reserve = SagaAction.command(order -> SagaCommand.of("inventory", "inventory.reserve", order));
 * SagaAction<Order> confirm = SagaAction.call((order, key) -> order.confirmed());
 * }</pre>
 *
 * @param <S> the saga data type
 */
public final class SagaAction<S> {
    private final @Nullable SagaCall<S> call;
    private final @Nullable Function<S, SagaCommand> command;
    private final SagaReplyHandler<S> replyHandler;

    private SagaAction(@Nullable SagaCall<S> call, @Nullable Function<S, SagaCommand> command,
            SagaReplyHandler<S> replyHandler) {
        this.call = call;
        this.command = command;
        this.replyHandler = replyHandler;
    }

    /**
     * An action that calls a participant directly.
     *
     * @param call the participant call
     * @param <S> the saga data type
     * @return the action
     */
    public static <S> SagaAction<S> call(SagaCall<S> call) {
        return new SagaAction<>(requireNonNull(call, "call"), null, SagaReplyHandler.keepData());
    }

    /**
     * An action that sends a command and awaits the reply; a successful reply leaves the data as it is.
     *
     * @param command makes the command from the saga data
     * @param <S> the saga data type
     * @return the action
     */
    public static <S> SagaAction<S> command(Function<S, SagaCommand> command) {
        return command(command, SagaReplyHandler.keepData());
    }

    /**
     * An action that sends a command and folds the successful reply into the data.
     *
     * @param command makes the command from the saga data
     * @param onReply computes the data after a successful reply
     * @param <S> the saga data type
     * @return the action
     */
    public static <S> SagaAction<S> command(Function<S, SagaCommand> command, SagaReplyHandler<S> onReply) {
        return new SagaAction<>(null, requireNonNull(command, "command"), requireNonNull(onReply, "onReply"));
    }

    /**
     * Whether the action sends a command and awaits a reply.
     *
     * @return true for a command, false for a call
     */
    public boolean isCommand() {
        return command != null;
    }

    SagaCall<S> call() {
        return requireNonNull(call, "not a call");
    }

    SagaCommand command(S data) {
        return requireNonNull(requireNonNull(command, "not a command").apply(data), "the command function returned null");
    }

    SagaReplyHandler<S> replyHandler() {
        return replyHandler;
    }
}
