package network.chiral.signaling.server.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class RegistrationOrderTest {

    private static RegistrationOrder of(String... ids) {
        RegistrationOrder order = new RegistrationOrder();
        order.first(3);
        for (String id : ids) {
            order.add(id);
        }
        return order;
    }

    @Test
    void listsTheOldestIdsFirstUpToTheLimit() {
        RegistrationOrder order = of("a", "b", "c", "d");

        assertThat(order.first(3)).containsExactly("a", "b", "c");
        assertThat(order.first(2)).containsExactly("a", "b");
    }

    @Test
    void aNewcomerBeyondTheCapLeavesTheListingAsItWas() {
        RegistrationOrder order = of("a", "b", "c");
        List<String> before = order.first(3);

        order.add("d");
        order.add("e");

        assertThat(order.first(3)).isSameAs(before);
    }

    @Test
    void aListedIdThatLeavesMakesRoomForTheOldestWaiting() {
        RegistrationOrder order = of("a", "b", "c", "d", "e");

        order.remove("b");

        assertThat(order.first(3)).containsExactly("a", "c", "d");
    }

    @Test
    void aWaitingIdThatLeavesChangesNothingListed() {
        RegistrationOrder order = of("a", "b", "c", "d", "e");
        List<String> before = order.first(3);

        order.remove("d");
        order.remove("b");

        assertThat(before).containsExactly("a", "b", "c");
        assertThat(order.first(3)).containsExactly("a", "c", "e");
    }

    @Test
    void aLargerLimitListsMoreOfTheWaiting() {
        RegistrationOrder order = of("a", "b", "c", "d", "e");

        assertThat(order.first(4)).containsExactly("a", "b", "c", "d");
        assertThat(order.first(10)).containsExactly("a", "b", "c", "d", "e");
    }

    @Test
    void anIdAddedTwiceIsListedOnce() {
        RegistrationOrder order = of("a", "b", "a");

        assertThat(order.first(3)).containsExactly("a", "b");
    }

    @Test
    void anUnknownIdLeavingChangesNothing() {
        RegistrationOrder order = of("a", "b");
        List<String> before = order.first(3);

        order.remove("zz");

        assertThat(order.first(3)).isSameAs(before);
    }
}
