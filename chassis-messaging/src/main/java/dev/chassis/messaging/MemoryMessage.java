package dev.chassis.messaging;

/**
 * One message as an in-memory queue holds it: the encoded body, never a shared envelope, so every
 * delivery decodes its own copy as it would from a broker.
 *
 * @param id the envelope id, or the id given to a raw message
 * @param topic the topic it was published to
 * @param body the CloudEvents JSON body
 * @param contentType the body's media type
 * @param attempt the delivery attempt it will be delivered as, 1 for the first
 * @param redelivered whether an earlier delivery was abandoned without a result
 */
record MemoryMessage(String id, String topic, byte[] body, String contentType, int attempt, boolean redelivered) {

    MemoryMessage withAttempt(int next) {
        return new MemoryMessage(id, topic, body, contentType, next, false);
    }

    MemoryMessage asRedelivered() {
        return new MemoryMessage(id, topic, body, contentType, attempt, true);
    }
}
