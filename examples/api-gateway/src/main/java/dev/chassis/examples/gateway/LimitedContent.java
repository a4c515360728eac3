package dev.chassis.examples.gateway;

import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.io.Content;
import org.jspecify.annotations.Nullable;

/**
 * The client's request body on its way upstream, failed as soon as more than the limit has been
 * read. A declared {@code Content-Length} over the limit is refused before anything is forwarded;
 * this catches chunked bodies, whose size is known only while they stream.
 *
 * <p>Read by one thread at a time, as Jetty's content contract requires.
 */
final class LimitedContent implements Request.Content {
    private final Request.Content delegate;
    private final long limit;
    private long read;

    LimitedContent(Request.Content delegate, long limit) {
        this.delegate = delegate;
        this.limit = limit;
    }

    @Override
    public Content.@Nullable Chunk read() {
        Content.Chunk chunk = delegate.read();
        if (chunk == null || Content.Chunk.isFailure(chunk)) {
            return chunk;
        }
        read += chunk.remaining();
        if (read > limit) {
            chunk.release();
            TooLarge tooLarge = new TooLarge(limit);
            delegate.fail(tooLarge);
            return Content.Chunk.from(tooLarge);
        }
        return chunk;
    }

    @Override
    public long getLength() {
        return delegate.getLength();
    }

    @Override
    public @Nullable String getContentType() {
        return delegate.getContentType();
    }

    @Override
    public void demand(Runnable demandCallback) {
        delegate.demand(demandCallback);
    }

    @Override
    public void fail(Throwable failure) {
        delegate.fail(failure);
    }

    @Override
    public boolean rewind() {
        return delegate.rewind();
    }

    /** The body grew past the gateway's limit; answered with 413. */
    static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLarge(long limit) {
            super("request body larger than " + limit + " bytes", null, false, false);
        }
    }
}
