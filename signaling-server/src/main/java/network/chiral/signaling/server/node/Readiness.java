package network.chiral.signaling.server.node;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * Whether this server should be given new clients: every required condition must hold. The
 * server itself requires {@code accepting} (false while draining); a part that the server
 * cannot work without, such as a cluster backend, adds its own with {@link #require}.
 * {@code GET /ready} answers from here.
 */
public final class Readiness {
    private final List<Condition> conditions = new CopyOnWriteArrayList<>();

    /** One named requirement. {@code holds} is called on every readiness check: keep it cheap. */
    public record Condition(String name, BooleanSupplier holds) {
    }

    /** Adds a condition; the server is not ready while it does not hold. */
    public void require(String name, BooleanSupplier holds) {
        conditions.add(new Condition(name, holds));
    }

    /** The names of the conditions that do not hold now; empty when ready. */
    public List<String> unmet() {
        List<String> unmet = new ArrayList<>(0);
        for (Condition condition : conditions) {
            if (!condition.holds().getAsBoolean()) {
                unmet.add(condition.name());
            }
        }
        return unmet;
    }

    /** Whether every condition holds. */
    public boolean ready() {
        for (Condition condition : conditions) {
            if (!condition.holds().getAsBoolean()) {
                return false;
            }
        }
        return true;
    }
}
