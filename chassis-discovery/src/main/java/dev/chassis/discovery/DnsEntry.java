package dev.chassis.discovery;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One DNS name of a {@link StaticServiceRegistry} and the last good answer for it. Used by one
 * refreshing thread at a time (under the registry's refresh lock); the answer is read by others.
 */
final class DnsEntry {
    private static final Logger log = LoggerFactory.getLogger(DnsEntry.class);

    private final String service;
    private final String host;
    private final int port;
    private volatile List<ServiceInstance> lastGood = List.of();
    private boolean failing;

    DnsEntry(String service, String host, int port) {
        this.service = service;
        this.host = host;
        this.port = port;
    }

    String service() {
        return service;
    }

    List<ServiceInstance> lastGood() {
        return lastGood;
    }

    /** Looks the name up; on failure keeps the last good answer and warns once until it recovers. */
    void resolve(StaticServiceRegistry.Resolver resolver) {
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
            if (addresses == null || addresses.length == 0) {
                throw new java.net.UnknownHostException(host + ": no addresses");
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (!failing) {
                failing = true;
                log.warn("cannot resolve {} for service {} ({}); keeping the last {} instance(s)", host, service, e,
                        lastGood.size());
            } else {
                log.debug("cannot resolve {} for service {} ({})", host, service, e.toString());
            }
            return;
        }
        List<ServiceInstance> now = new ArrayList<>();
        for (InetAddress a : addresses) {
            String ip = a.getHostAddress();
            if (a instanceof Inet6Address && ip.indexOf('%') > 0) {
                ip = ip.substring(0, ip.indexOf('%'));
            }
            StaticHostPort hp = new StaticHostPort(ip, port);
            now.add(new ServiceInstance(service, hp.id(), ip, port, Set.of(), Map.of(StaticServiceRegistry.DNS_NAME_METADATA, host)));
        }
        if (failing) {
            failing = false;
            log.info("{} for service {} resolves again: {} address(es)", host, service, now.size());
        }
        lastGood = List.copyOf(now);
    }

    @Override
    public String toString() {
        return service + "=" + host + ":" + port;
    }
}
