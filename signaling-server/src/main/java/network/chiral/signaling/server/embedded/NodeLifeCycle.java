package network.chiral.signaling.server.embedded;

import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.component.LifeCycle;

import network.chiral.signaling.server.node.Node;

/**
 * A {@link Node} as a bean of the Jetty server that runs it: it starts with Jetty (before the
 * connectors open) and stops with it. Jetty closes its connectors before it stops its beans,
 * but a drain needs them open (clients get their 1001 through them, and new upgrades a 503),
 * so the drain is brought forward to the moment Jetty begins to stop.
 */
final class NodeLifeCycle extends AbstractLifeCycle implements LifeCycle.Listener {
    private final Node node;

    NodeLifeCycle(Node node) {
        this.node = node;
    }

    @Override
    protected void doStart() {
        node.start();
    }

    /** The Jetty server is about to stop: drain while its connectors still carry frames. */
    @Override
    public void lifeCycleStopping(LifeCycle server) {
        node.drain();
    }

    @Override
    protected void doStop() {
        node.stop();
    }
}
